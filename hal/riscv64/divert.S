/* Return target of hal::trap_frame_divert: a0 = sp = the DivertBlock (a
 * saved TrapFrame, then fn at 288 and arg at 296). Runs fn(arg) with
 * interrupts as the interrupted code had them; if the thread's FP unit is on
 * (sstatus.FS != Off) f0-f31/fcsr are preserved around it (handlers are
 * application code). Then restores the frame like the trap exit (gp is
 * per hart and never restored) and srets to the interrupted instruction. */
#define FP_AREA 272   /* f0-f31, fcsr at 256, "FS was on" at 264 */

  .section .text
  .globl riscv_divert_trampoline
  .balign 4
riscv_divert_trampoline:
  mv s1, a0
  addi sp, sp, -FP_AREA
  csrr t0, sstatus
  srli t0, t0, 13
  andi t0, t0, 3
  sd t0, 264(sp)
  beqz t0, 1f
  fsd f0, 0(sp)
  fsd f1, 8(sp)
  fsd f2, 16(sp)
  fsd f3, 24(sp)
  fsd f4, 32(sp)
  fsd f5, 40(sp)
  fsd f6, 48(sp)
  fsd f7, 56(sp)
  fsd f8, 64(sp)
  fsd f9, 72(sp)
  fsd f10, 80(sp)
  fsd f11, 88(sp)
  fsd f12, 96(sp)
  fsd f13, 104(sp)
  fsd f14, 112(sp)
  fsd f15, 120(sp)
  fsd f16, 128(sp)
  fsd f17, 136(sp)
  fsd f18, 144(sp)
  fsd f19, 152(sp)
  fsd f20, 160(sp)
  fsd f21, 168(sp)
  fsd f22, 176(sp)
  fsd f23, 184(sp)
  fsd f24, 192(sp)
  fsd f25, 200(sp)
  fsd f26, 208(sp)
  fsd f27, 216(sp)
  fsd f28, 224(sp)
  fsd f29, 232(sp)
  fsd f30, 240(sp)
  fsd f31, 248(sp)
  frcsr t1
  sd t1, 256(sp)
1:
  /* Frame record naming the interrupted code, for backtraces. */
  addi sp, sp, -16
  ld t1, 256(s1)
  sd t1, 8(sp)
  ld t1, 64(s1)
  sd t1, 0(sp)
  addi s0, sp, 16
  ld t0, 288(s1)
  ld a0, 296(s1)
  jalr t0
  addi sp, sp, 16
  ld t0, 264(sp)
  beqz t0, 2f
  ld t1, 256(sp)
  fscsr t1
  fld f0, 0(sp)
  fld f1, 8(sp)
  fld f2, 16(sp)
  fld f3, 24(sp)
  fld f4, 32(sp)
  fld f5, 40(sp)
  fld f6, 48(sp)
  fld f7, 56(sp)
  fld f8, 64(sp)
  fld f9, 72(sp)
  fld f10, 80(sp)
  fld f11, 88(sp)
  fld f12, 96(sp)
  fld f13, 104(sp)
  fld f14, 112(sp)
  fld f15, 120(sp)
  fld f16, 128(sp)
  fld f17, 136(sp)
  fld f18, 144(sp)
  fld f19, 152(sp)
  fld f20, 160(sp)
  fld f21, 168(sp)
  fld f22, 176(sp)
  fld f23, 184(sp)
  fld f24, 192(sp)
  fld f25, 200(sp)
  fld f26, 208(sp)
  fld f27, 216(sp)
  fld f28, 224(sp)
  fld f29, 232(sp)
  fld f30, 240(sp)
  fld f31, 248(sp)
2:
  csrci sstatus, 2      /* SIE off until sret */
  mv sp, s1
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
