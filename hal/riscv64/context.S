/* riscv64 kernel thread switch: callee-saved registers per hal::Context
 * (ra 0, sp 8, s0..s11 16..104), the thread pointer tp (112) and the FP
 * registers of threads with an FpState (120). gp is per hart (HartLocal),
 * never per thread: untouched.
 *
 * FP: sstatus.FS tracks whether the running FP thread changed its registers
 * (Dirty); only then are they saved. A thread with an FpState runs with FS
 * Clean after its registers are loaded, any other with FS Off, so kernel
 * threads trap on FP use. */
#define SSTATUS_FS 0x6000
#define FS_INITIAL 0x2000
#define FS_CLEAN 0x4000

  .section .text

/* t0 = FpState*. Clobbers t1. */
.macro fp_save
  fsd f0, 0(t0)
  fsd f1, 8(t0)
  fsd f2, 16(t0)
  fsd f3, 24(t0)
  fsd f4, 32(t0)
  fsd f5, 40(t0)
  fsd f6, 48(t0)
  fsd f7, 56(t0)
  fsd f8, 64(t0)
  fsd f9, 72(t0)
  fsd f10, 80(t0)
  fsd f11, 88(t0)
  fsd f12, 96(t0)
  fsd f13, 104(t0)
  fsd f14, 112(t0)
  fsd f15, 120(t0)
  fsd f16, 128(t0)
  fsd f17, 136(t0)
  fsd f18, 144(t0)
  fsd f19, 152(t0)
  fsd f20, 160(t0)
  fsd f21, 168(t0)
  fsd f22, 176(t0)
  fsd f23, 184(t0)
  fsd f24, 192(t0)
  fsd f25, 200(t0)
  fsd f26, 208(t0)
  fsd f27, 216(t0)
  fsd f28, 224(t0)
  fsd f29, 232(t0)
  fsd f30, 240(t0)
  fsd f31, 248(t0)
  frcsr t1
  sd t1, 256(t0)
.endm

/* t0 = FpState*; FS must not be Off. Leaves FS Clean. Clobbers t1. */
.macro fp_restore
  fld f0, 0(t0)
  fld f1, 8(t0)
  fld f2, 16(t0)
  fld f3, 24(t0)
  fld f4, 32(t0)
  fld f5, 40(t0)
  fld f6, 48(t0)
  fld f7, 56(t0)
  fld f8, 64(t0)
  fld f9, 72(t0)
  fld f10, 80(t0)
  fld f11, 88(t0)
  fld f12, 96(t0)
  fld f13, 104(t0)
  fld f14, 112(t0)
  fld f15, 120(t0)
  fld f16, 128(t0)
  fld f17, 136(t0)
  fld f18, 144(t0)
  fld f19, 152(t0)
  fld f20, 160(t0)
  fld f21, 168(t0)
  fld f22, 176(t0)
  fld f23, 184(t0)
  fld f24, 192(t0)
  fld f25, 200(t0)
  fld f26, 208(t0)
  fld f27, 216(t0)
  fld f28, 224(t0)
  fld f29, 232(t0)
  fld f30, 240(t0)
  fld f31, 248(t0)
  ld t1, 256(t0)
  fscsr t1
  li t1, SSTATUS_FS
  csrc sstatus, t1
  li t1, FS_CLEAN
  csrs sstatus, t1
.endm

  .globl context_switch
  .balign 4
context_switch:
  sd ra, 0(a0)
  sd sp, 8(a0)
  sd s0, 16(a0)
  sd s1, 24(a0)
  sd s2, 32(a0)
  sd s3, 40(a0)
  sd s4, 48(a0)
  sd s5, 56(a0)
  sd s6, 64(a0)
  sd s7, 72(a0)
  sd s8, 80(a0)
  sd s9, 88(a0)
  sd s10, 96(a0)
  sd s11, 104(a0)
  sd tp, 112(a0)
  ld t0, 120(a0)
  beqz t0, 1f
  csrr t1, sstatus
  li t2, SSTATUS_FS
  and t1, t1, t2
  bne t1, t2, 1f                /* not Dirty: *fp_state is still current */
  fp_save
1:
  ld t0, 120(a1)
  beqz t0, 2f
  li t1, FS_INITIAL             /* FS must be on for the loads */
  csrs sstatus, t1
  fp_restore
  j 3f
2:
  li t1, SSTATUS_FS
  csrc sstatus, t1
3:
  /* The lower half: the thread's satp (ASID-tagged, so no flush) or the
   * kernel root. */
  ld t0, 128(a1)
  bnez t0, 4f
  lla t0, riscv_boot_satp
  ld t0, 0(t0)
4:
  csrr t1, satp
  beq t0, t1, 5f
  csrw satp, t0
5:
  ld tp, 112(a1)
  ld ra, 0(a1)
  ld sp, 8(a1)
  ld s0, 16(a1)
  ld s1, 24(a1)
  ld s2, 32(a1)
  ld s3, 40(a1)
  ld s4, 48(a1)
  ld s5, 56(a1)
  ld s6, 64(a1)
  ld s7, 72(a1)
  ld s8, 80(a1)
  ld s9, 88(a1)
  ld s10, 96(a1)
  ld s11, 104(a1)
  ret

/* hal_fp_restore(const FpState*): loads the calling thread's FP registers
 * and turns FS on (Clean). hal_fp_off(): FS Off. */
  .globl hal_fp_restore
  .balign 4
hal_fp_restore:
  mv t0, a0
  li t1, FS_INITIAL
  csrs sstatus, t1
  fp_restore
  ret

/* hal_fp_save(FpState*): stores the calling thread's FP registers (FS must
 * be on: only for threads with an FpState). */
  .globl hal_fp_save
  .balign 4
hal_fp_save:
  mv t0, a0
  fp_save
  ret

  .globl hal_fp_off
  .balign 4
hal_fp_off:
  li t1, SSTATUS_FS
  csrc sstatus, t1
  ret

/* First return of a new thread (context_init): s1 = entry, s2 = arg. */
  .globl riscv_thread_start
  .balign 4
riscv_thread_start:
  csrsi sstatus, 2
  mv a0, s2
  jalr s1
  call kernel_thread_exit
1:
  j 1b
