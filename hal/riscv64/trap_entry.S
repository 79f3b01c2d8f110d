/* riscv64 stvec entry: saves a hal::TrapFrame (x1..x31 at 8*n, sepc 256,
 * sstatus 264, scause 272, stval 280; 288 bytes) on the current kernel stack
 * and calls riscv_trap_dispatch(frame).
 *
 * gp holds this hart's HartLocal in the kernel (tp is the running thread's
 * thread pointer: application TLS). sscratch is 0 while a hart runs kernel
 * code and &HartLocal while it runs user code: a non-zero value after the
 * swap means the trap came from user mode, whose frame goes on the thread's
 * kernel stack (HartLocal::user_kernel_sp) and whose return goes through
 * riscv_return_to_user.
 *
 * sstatus.SUM is cleared on every kernel entry (the frame keeps the old
 * value for the return), so only a usercopy primitive itself ever runs with
 * user pages accessible, even when it is interrupted or faults.
 *
 * Stack overflow: a load/store page fault whose address lies within a page of
 * sp means sp has run into a guard page, and pushing the frame would fault
 * again; such traps switch to this hart's emergency stack so the overflow
 * can still be reported. */
#define FRAME 288
#define SSTATUS_SUM 0x40000

  .section .text
  .globl riscv_trap_entry
  .balign 4
riscv_trap_entry:
  csrrw gp, sscratch, gp
  bnez gp, .Lfrom_user
  csrrw gp, sscratch, zero      /* gp = this hart's HartLocal, sscratch = 0 */
  sd t0, 0(gp)                  /* HartLocal::scratch0/1 */
  sd t1, 8(gp)
  mv t0, sp
  csrr t1, scause
  addi t1, t1, -13              /* load page fault */
  beqz t1, .Lcheck_stack
  csrr t1, scause
  addi t1, t1, -15              /* store/AMO page fault */
  bnez t1, .Lsave
.Lcheck_stack:
  csrr t1, stval
  sub t1, t1, sp                /* stval - sp in [-4096, 4096) ? */
  addi t1, t1, 2047
  addi t1, t1, 2047
  addi t1, t1, 2
  srli t1, t1, 13
  bnez t1, .Lsave
  ld sp, 16(gp)                 /* HartLocal::emergency_sp */
.Lsave:
  addi sp, sp, -FRAME
  sd x1, 8(sp)
  sd t0, 16(sp)                 /* sp before the trap */
  sd x3, 24(sp)
  sd x4, 32(sp)
  ld t0, 0(gp)
  sd t0, 40(sp)
  ld t1, 8(gp)
  sd t1, 48(sp)
  sd x7, 56(sp)
  sd x8, 64(sp)
  sd x9, 72(sp)
  sd x10, 80(sp)
  sd x11, 88(sp)
  sd x12, 96(sp)
  sd x13, 104(sp)
  sd x14, 112(sp)
  sd x15, 120(sp)
  sd x16, 128(sp)
  sd x17, 136(sp)
  sd x18, 144(sp)
  sd x19, 152(sp)
  sd x20, 160(sp)
  sd x21, 168(sp)
  sd x22, 176(sp)
  sd x23, 184(sp)
  sd x24, 192(sp)
  sd x25, 200(sp)
  sd x26, 208(sp)
  sd x27, 216(sp)
  sd x28, 224(sp)
  sd x29, 232(sp)
  sd x30, 240(sp)
  sd x31, 248(sp)
  csrr t0, sepc
  sd t0, 256(sp)
  csrr t0, sstatus
  sd t0, 264(sp)
  li t1, SSTATUS_SUM
  csrc sstatus, t1
  csrr t0, scause
  sd t0, 272(sp)
  csrr t0, stval
  sd t0, 280(sp)
  mv a0, sp
  call riscv_trap_dispatch

  /* The handler may have switched threads and come back on another hart:
   * gp is never restored from the frame, it already names this hart. tp is
   * the interrupted thread's (context_switch brought it back already). */
  ld t0, 256(sp)
  csrw sepc, t0
  ld t0, 264(sp)
  csrw sstatus, t0
  ld x1, 8(sp)
  ld x4, 32(sp)
  ld x5, 40(sp)
  ld x6, 48(sp)
  ld x7, 56(sp)
  ld x8, 64(sp)
  ld x9, 72(sp)
  ld x10, 80(sp)
  ld x11, 88(sp)
  ld x12, 96(sp)
  ld x13, 104(sp)
  ld x14, 112(sp)
  ld x15, 120(sp)
  ld x16, 128(sp)
  ld x17, 136(sp)
  ld x18, 144(sp)
  ld x19, 152(sp)
  ld x20, 160(sp)
  ld x21, 168(sp)
  ld x22, 176(sp)
  ld x23, 184(sp)
  ld x24, 192(sp)
  ld x25, 200(sp)
  ld x26, 208(sp)
  ld x27, 216(sp)
  ld x28, 224(sp)
  ld x29, 232(sp)
  ld x30, 240(sp)
  ld x31, 248(sp)
  ld x2, 16(sp)
  sret

.Lfrom_user:
  /* gp = this hart's HartLocal, sscratch = the user's gp. */
  sd t0, 0(gp)
  sd t1, 8(gp)
  mv t0, sp
  ld sp, 64(gp)                 /* HartLocal::user_kernel_sp */
  addi sp, sp, -FRAME
  sd x1, 8(sp)
  sd t0, 16(sp)                 /* the user sp */
  csrr t1, sscratch
  sd t1, 24(sp)                 /* the user gp */
  csrw sscratch, zero           /* kernel code runs with sscratch = 0 */
  sd x4, 32(sp)
  ld t0, 0(gp)
  sd t0, 40(sp)
  ld t1, 8(gp)
  sd t1, 48(sp)
  sd x7, 56(sp)
  sd x8, 64(sp)
  sd x9, 72(sp)
  sd x10, 80(sp)
  sd x11, 88(sp)
  sd x12, 96(sp)
  sd x13, 104(sp)
  sd x14, 112(sp)
  sd x15, 120(sp)
  sd x16, 128(sp)
  sd x17, 136(sp)
  sd x18, 144(sp)
  sd x19, 152(sp)
  sd x20, 160(sp)
  sd x21, 168(sp)
  sd x22, 176(sp)
  sd x23, 184(sp)
  sd x24, 192(sp)
  sd x25, 200(sp)
  sd x26, 208(sp)
  sd x27, 216(sp)
  sd x28, 224(sp)
  sd x29, 232(sp)
  sd x30, 240(sp)
  sd x31, 248(sp)
  csrr t0, sepc
  sd t0, 256(sp)
  csrr t0, sstatus
  sd t0, 264(sp)
  csrr t0, scause
  sd t0, 272(sp)
  csrr t0, stval
  sd t0, 280(sp)
  mv s0, zero                   /* ends kernel backtraces here */
  mv a0, sp
  call riscv_user_trap
  /* fall through, interrupts masked */

/* sp = a frame from user mode; interrupts masked. Records the kernel stack
 * top for the next trap from user mode on this hart and returns. */
  .globl riscv_return_to_user
riscv_return_to_user:
  addi t0, sp, FRAME
  sd t0, 64(gp)
  csrw sscratch, gp
  ld t0, 256(sp)
  csrw sepc, t0
  ld t0, 264(sp)
  csrw sstatus, t0
  ld x1, 8(sp)
  ld x3, 24(sp)
  ld x4, 32(sp)
  ld x5, 40(sp)
  ld x6, 48(sp)
  ld x7, 56(sp)
  ld x8, 64(sp)
  ld x9, 72(sp)
  ld x10, 80(sp)
  ld x11, 88(sp)
  ld x12, 96(sp)
  ld x13, 104(sp)
  ld x14, 112(sp)
  ld x15, 120(sp)
  ld x16, 128(sp)
  ld x17, 136(sp)
  ld x18, 144(sp)
  ld x19, 152(sp)
  ld x20, 160(sp)
  ld x21, 168(sp)
  ld x22, 176(sp)
  ld x23, 184(sp)
  ld x24, 192(sp)
  ld x25, 200(sp)
  ld x26, 208(sp)
  ld x27, 216(sp)
  ld x28, 224(sp)
  ld x29, 232(sp)
  ld x30, 240(sp)
  ld x31, 248(sp)
  ld x2, 16(sp)
  sret

/* riscv_enter_user(TrapFrame* frame): the first return to user mode of a
 * thread, from a frame built on its kernel stack (hal::enter_user). */
  .globl riscv_enter_user
riscv_enter_user:
  csrci sstatus, 2
  mv sp, a0
  j riscv_return_to_user
