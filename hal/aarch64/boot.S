// aarch64 entry: the Linux arm64 Image header, EL2 -> EL1 drop, .bss and
// stack set-up, early page tables (early_mmu.cpp, run at the load address),
// MMU on, jump to the linked upper-half address. Also the secondary CPU
// entries that PSCI CPU_ON or a spin-table release start at their physical
// address.

#define SCTLR_EL1_RES1 0x30d00800  // RES1 bits of ARMv8.0 SCTLR_EL1
#define SCTLR_M (1 << 0)
#define SCTLR_C (1 << 2)
#define SCTLR_I (1 << 12)
#define SPSR_EL1H_DAIF 0x3c5       // EL1h, D/A/I/F masked
#define HCR_EL2_RW 0x80000000      // EL1 is AArch64
#define SPIN_TABLE_SLOTS 8         // hal::arch::kMaxCpus

  .section .head.text, "ax"
  .global _start
_start:
  // Image header (Documentation/arch/arm64/booting.rst): code0/code1,
  // text_offset, image_size, flags (LE, 4 KiB pages, 2 MiB-aligned base),
  // three reserved words, magic "ARM\x64", reserved.
  b primary_entry
  nop
  .quad 0x200000
  .quad __image_size
  .quad 0x2
  .quad 0
  .quad 0
  .quad 0
  .ascii "ARM\x64"
  .long 0

  .section .text.boot, "ax"
primary_entry:
  mov x19, x0                   // DTB physical address, kept across calls
  bl el2_to_el1
  msr daifset, #0xf

  // Zero .bss (MMU off: Device memory, so aligned 8-byte stores only).
  adrp x0, __bss_start
  adrp x1, __bss_end            // both 4 KiB aligned: adrp is exact
1:
  cmp x0, x1
  b.hs 2f
  str xzr, [x0], #8
  b 1b
2:
  adrp x0, boot_stack_top
  add x0, x0, :lo12:boot_stack_top
  mov sp, x0
  mov x29, xzr
  mov x30, xzr

  // Build the kernel, direct-map and identity tables; all PC-relative code.
  mov x0, x19
  adr x1, _start
  bl aarch64_early_map

  bl enable_mmu
  ldr x0, =primary_high         // absolute (linked) address from the literal pool
  br x0

primary_high:
  adrp x0, boot_stack_top       // now yields the virtual address
  add x0, x0, :lo12:boot_stack_top
  mov sp, x0
  mov x29, xzr
  mov x0, x19
  bl aarch64_boot_high          // never returns
  b .

// Secondary CPUs: PSCI CPU_ON enters here at the physical address, MMU off,
// x0 = logical CPU number (the context id cpu_start passed).
  .global aarch64_secondary_entry
aarch64_secondary_entry:
  mov x19, x0
  bl el2_to_el1
  msr daifset, #0xf
  bl enable_mmu
  ldr x0, =secondary_high
  br x0

secondary_high:
  adrp x0, aarch64_secondary_stacks
  add x0, x0, :lo12:aarch64_secondary_stacks
  ldr x0, [x0, x19, lsl #3]
  mov sp, x0
  mov x29, xzr
  mov x0, x19
  bl aarch64_secondary_high     // never returns
  b .

// Secondary CPUs released from a spin table (spin_table.cpp) arrive here at
// the physical address, MMU off, with no argument: the logical number is the
// slot of aarch64_spin_table_hwids holding this CPU's MPIDR affinity.
  .global aarch64_spin_table_entry
aarch64_spin_table_entry:
  mrs x9, mpidr_el1
  ldr x10, =0xff00ffffff        // affinity fields Aff3..Aff0
  and x9, x9, x10
  orr x9, x9, #(1 << 63)        // kSpinSlotValid
  adrp x10, aarch64_spin_table_hwids
  add x10, x10, :lo12:aarch64_spin_table_hwids
  mov x0, #1                    // slot 0 is the boot CPU
1:
  cmp x0, #SPIN_TABLE_SLOTS
  b.hs 2f
  ldr x11, [x10, x0, lsl #3]
  cmp x11, x9
  b.eq aarch64_secondary_entry  // x0 = logical number
  add x0, x0, #1
  b 1b
2:
  wfe                           // not ours to start: stay parked
  b 2b

// CPUs the kernel leaves unused (hal::cpu_park) are released here from their
// spin table: a wfi halt with every interrupt masked, and none routed to them.
  .global aarch64_park_entry
aarch64_park_entry:
  msr daifset, #0xf
1:
  wfi
  b 1b

// Returns at EL1h with everything EL1 needs from EL2 opened up. Clobbers x9.
el2_to_el1:
  mrs x9, CurrentEL
  ubfx x9, x9, #2, #2
  cmp x9, #3
  b.eq el3_entry
  cmp x9, #2
  b.eq 1f
  ldr x9, =SCTLR_EL1_RES1       // EL1 entry: make sure the MMU/caches are off
  msr sctlr_el1, x9
  isb
  ret
1:
  mov x9, #HCR_EL2_RW
  msr hcr_el2, x9
  mrs x9, cnthctl_el2           // EL1 may use the physical counter and timer
  orr x9, x9, #3
  msr cnthctl_el2, x9
  msr cntvoff_el2, xzr          // virtual count == physical count
  mov x9, #0x33ff               // CPTR_EL2: RES1 bits, no FP/SIMD traps to EL2
  msr cptr_el2, x9
  msr hstr_el2, xzr
  mrs x9, midr_el1              // EL1 reads of MIDR/MPIDR return these copies
  msr vpidr_el2, x9
  mrs x9, mpidr_el1
  msr vmpidr_el2, x9
  mrs x9, id_aa64pfr0_el1       // GICv3 system registers: allow EL1 access
  ubfx x9, x9, #24, #4
  cbz x9, 2f
  mrs x9, s3_4_c12_c9_5         // ICC_SRE_EL2
  orr x9, x9, #0x1              // SRE
  orr x9, x9, #0x8              // Enable: EL1 may set its own SRE
  msr s3_4_c12_c9_5, x9
  isb
2:
  ldr x9, =SCTLR_EL1_RES1
  msr sctlr_el1, x9
  mov x9, #SPSR_EL1H_DAIF
  msr spsr_el2, x9
  msr elr_el2, x30
  eret

// Entered at EL3: no board Fusion supports does this (QEMU raspi3b and the
// Pi firmware enter at EL2, QEMU virt at EL1 or EL2), and dropping from EL3
// needs firmware decisions (secure state, GIC groups) the kernel should not
// make. Say so by semihosting (the console is not up yet) and stop, rather
// than run on with the EL1 registers unused.
el3_entry:
  adr x1, el3_message
  mov x0, #0x04                 // SYS_WRITE0
  hlt #0xf000
1:
  wfe
  b 1b
el3_message:
  .asciz "fusion: entered at EL3; the kernel needs EL2 or EL1 (boot it through firmware that drops to EL2)\n"
  .balign 4

// Loads MAIR/TCR/TTBR0/TTBR1 prepared by aarch64_early_map and turns the
// MMU and caches on. Runs from the identity map. Clobbers x9, x10.
enable_mmu:
  adrp x9, aarch64_boot_mmu
  add x9, x9, :lo12:aarch64_boot_mmu
  ldr x10, [x9, #0]
  msr mair_el1, x10
  ldr x10, [x9, #8]
  msr tcr_el1, x10
  ldr x10, [x9, #16]
  msr ttbr0_el1, x10
  ldr x10, [x9, #24]
  msr ttbr1_el1, x10
  isb
  tlbi vmalle1
  dsb nsh
  isb
  mrs x10, sctlr_el1
  orr x10, x10, #SCTLR_M
  orr x10, x10, #SCTLR_C
  orr x10, x10, #SCTLR_I
  msr sctlr_el1, x10
  isb
  ret

  .ltorg

  .section .bss
  .balign 16
boot_stack:
  .space 16384
  .global boot_stack_top
boot_stack_top:
