/* Usercopy primitives (hal/user.hpp). Each lifts sstatus.SUM only for its
 * own loop (the trap entry clears SUM for whatever it runs and restores it
 * on return). A fault inside [riscv_usercopy_begin, riscv_usercopy_end) that
 * the kernel cannot resolve is redirected by hal::usercopy_fixup to the
 * routine's failure return, which drops SUM again; the routines are leaves,
 * so ra is still the caller's. */
#define SSTATUS_SUM 0x40000

  .section .text
  .globl riscv_usercopy_begin
  .globl riscv_usercopy_end
  .globl riscv_usercopy_string
  .globl riscv_usercopy_copy_fault
  .globl riscv_usercopy_string_fault
  .balign 4
riscv_usercopy_begin:

/* a0 dst, a1 src, a2 n; both ways share the loop: a2 counts what is left. */
.macro copy_loop
  li t0, SSTATUS_SUM
  csrs sstatus, t0
  or t2, a0, a1
  andi t2, t2, 7
  bnez t2, 2f
1:
  li t2, 8
  bltu a2, t2, 2f
  ld t1, 0(a1)
  sd t1, 0(a0)
  addi a0, a0, 8
  addi a1, a1, 8
  addi a2, a2, -8
  j 1b
2:
  beqz a2, 3f
  lbu t1, 0(a1)
  sb t1, 0(a0)
  addi a0, a0, 1
  addi a1, a1, 1
  addi a2, a2, -1
  j 2b
3:
  csrc sstatus, t0
  li a0, 0
  ret
.endm

  .globl hal_user_copy_in
hal_user_copy_in:
  copy_loop

  .globl hal_user_copy_out
hal_user_copy_out:
  copy_loop

riscv_usercopy_copy_fault:
  li t0, SSTATUS_SUM
  csrc sstatus, t0
  mv a0, a2
  ret

riscv_usercopy_string:
/* long hal_user_strncpy_in(char* dst, const char* usrc, size_t n) */
  .globl hal_user_strncpy_in
hal_user_strncpy_in:
  mv t2, a2
  li t0, SSTATUS_SUM
  csrs sstatus, t0
1:
  beqz a2, 3f
  lbu t1, 0(a1)
  sb t1, 0(a0)
  beqz t1, 2f
  addi a0, a0, 1
  addi a1, a1, 1
  addi a2, a2, -1
  j 1b
2:
  csrc sstatus, t0
  sub a0, t2, a2
  ret
3:
  csrc sstatus, t0
  mv a0, t2
  ret

riscv_usercopy_string_fault:
  li t0, SSTATUS_SUM
  csrc sstatus, t0
  li a0, -1
  ret
riscv_usercopy_end:
