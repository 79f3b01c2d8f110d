/* riscv64 entry: the RISC-V Image header, the boot hart's path from OpenSBI
 * (S-mode, MMU off, a0 = hartid, a1 = DTB PA) to riscv_boot_main at the
 * kernel's virtual address, and the secondary entry used by SBI HSM.
 *
 * The MMU is switched on without an identity mapping: stvec is pointed at the
 * virtual continuation, so the first fetch after the satp write faults (the
 * low half is unmapped) and the trap lands there. Same trick for every hart. */

#define SSTATUS_SIE 0x2
#define SSTATUS_FS 0x6000

  .section .head.text, "ax"
  .option push
  .option norvc
  .globl _start
_start:
  j _real_start                 /* code0 */
  .word 0                       /* code1 */
  .dword 0x200000               /* text_offset (kKernelTextOffset) */
  .dword __image_size           /* image_size, including .bss */
  .dword 0                      /* flags: little endian */
  .word 0x2                     /* header version 0.2 */
  .word 0
  .dword 0
  .ascii "RISCV\0\0\0"          /* magic, offset 48 */
  .ascii "RSC\x05"              /* magic2, offset 56 */
  .word 0
  .option pop

  .section .text.boot, "ax"
_real_start:
  csrw sie, zero
  csrci sstatus, SSTATUS_SIE
  li t0, SSTATUS_FS
  csrc sstatus, t0              /* FS = Off: any FP instruction traps */
  mv s0, a0
  mv s1, a1

  /* Only one hart continues (fw_dynamic enters with one; other loaders may
   * release all of them here). */
  lla t0, boot_lottery
  li t1, 1
  amoadd.w t1, t1, (t0)
  bnez t1, .Lpark

  lla t0, __bss_start
  lla t1, __bss_end
1:
  bgeu t0, t1, 2f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 1b
2:
  lla sp, riscv_boot_stack_top
  mv a0, s0
  mv a1, s1
  call riscv_early_mmu          /* builds the tables, returns satp */

  lla t0, riscv_va_pa_offset
  ld t0, 0(t0)
  lla t1, .Lboot_high
  add t1, t1, t0
  csrw stvec, t1
  sfence.vma
  csrw satp, a0
  sfence.vma
  j .Lboot_high                 /* not reached: the fetch above faults first */

  .balign 4
.Lboot_high:
  sfence.vma
  lla sp, riscv_boot_stack_top  /* now the virtual address */
  lla gp, _ZN3hal5riscv10hart_localE /* per-hart pointer (tp is the thread's) */
  mv tp, zero
  mv a0, s0
  mv a1, s1
  call riscv_boot_main
.Lpark:
  wfi
  j .Lpark

/* SBI HSM hart_start target: a0 = hartid, a1 = opaque = &hart_local[n]
 * (virtual). MMU off, running at the physical address. */
  .globl riscv_secondary_entry
  .balign 4
riscv_secondary_entry:
  csrw sie, zero
  csrci sstatus, SSTATUS_SIE
  li t0, SSTATUS_FS
  csrc sstatus, t0
  mv s0, a0
  mv s1, a1
  lla t0, riscv_boot_satp
  ld a0, 0(t0)
  lla t0, riscv_va_pa_offset
  ld t0, 0(t0)
  lla t1, .Lsecondary_high
  add t1, t1, t0
  csrw stvec, t1
  sfence.vma
  csrw satp, a0
  sfence.vma
  j .Lsecondary_high

  .balign 4
.Lsecondary_high:
  sfence.vma
  mv gp, s1
  mv tp, zero
  ld sp, 48(gp)                 /* HartLocal::boot_sp */
  mv a0, s0
  call riscv_secondary_main
  j .Lpark

  .section .data
boot_lottery:
  .word 0

/* Boot stack with an unmapped guard page below it (early_mmu leaves the page
 * at riscv_boot_stack_guard invalid), so a boot-stack overflow is reported. */
  .section .bss.boot_stack, "aw", @nobits
  .balign 4096
  .globl riscv_boot_stack_guard
riscv_boot_stack_guard:
  .skip 4096
  .skip 16384
  .globl riscv_boot_stack_top
riscv_boot_stack_top:
