/* RISC-V semihosting call (the RISC-V semihosting spec's three-instruction
 * sequence, uncompressed and within one page): a0 = operation, a1 = argument,
 * result in a0. With no host listening (QEMU without -semihosting-config,
 * real hardware without a debugger) the ebreak is a plain breakpoint
 * exception; trap.cpp recognises it by its address and resumes after it
 * with a0 = -1. */
  .section .text.semihost, "ax"
  .option push
  .option norvc
  .balign 16                    /* 12 bytes in one 16-byte block: one page */
  .globl riscv_semihost_call
riscv_semihost_call:
  slli zero, zero, 0x1f
  .globl riscv_semihost_ebreak
riscv_semihost_ebreak:
  ebreak
  srai zero, zero, 7
  ret
  .option pop
