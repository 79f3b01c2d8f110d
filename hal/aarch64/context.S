// Kernel thread switch (hal/context.hpp): saves the callee-saved registers,
// sp, TPIDR_EL0 and (for FP threads) the FP/SIMD registers of `from`, loads
// those of `to`, installs `to`'s lower half (TTBR0_EL1) and returns into `to`.

  .arch armv8-a+fp+simd
  .text

// x10 = FpState*. Clobbers x11.
.macro fp_save
  stp q0, q1, [x10, #0]
  stp q2, q3, [x10, #32]
  stp q4, q5, [x10, #64]
  stp q6, q7, [x10, #96]
  stp q8, q9, [x10, #128]
  stp q10, q11, [x10, #160]
  stp q12, q13, [x10, #192]
  stp q14, q15, [x10, #224]
  stp q16, q17, [x10, #256]
  stp q18, q19, [x10, #288]
  stp q20, q21, [x10, #320]
  stp q22, q23, [x10, #352]
  stp q24, q25, [x10, #384]
  stp q26, q27, [x10, #416]
  stp q28, q29, [x10, #448]
  stp q30, q31, [x10, #480]
  mrs x11, fpsr
  str x11, [x10, #512]
  mrs x11, fpcr
  str x11, [x10, #520]
.endm

.macro fp_restore
  ldp q0, q1, [x10, #0]
  ldp q2, q3, [x10, #32]
  ldp q4, q5, [x10, #64]
  ldp q6, q7, [x10, #96]
  ldp q8, q9, [x10, #128]
  ldp q10, q11, [x10, #160]
  ldp q12, q13, [x10, #192]
  ldp q14, q15, [x10, #224]
  ldp q16, q17, [x10, #256]
  ldp q18, q19, [x10, #288]
  ldp q20, q21, [x10, #320]
  ldp q22, q23, [x10, #352]
  ldp q24, q25, [x10, #384]
  ldp q26, q27, [x10, #416]
  ldp q28, q29, [x10, #448]
  ldp q30, q31, [x10, #480]
  ldr x11, [x10, #512]
  msr fpsr, x11
  ldr x11, [x10, #520]
  msr fpcr, x11
.endm

  .global context_switch
  .type context_switch, %function
context_switch:
  stp x19, x20, [x0, #0]
  stp x21, x22, [x0, #16]
  stp x23, x24, [x0, #32]
  stp x25, x26, [x0, #48]
  stp x27, x28, [x0, #64]
  stp x29, x30, [x0, #80]
  mov x9, sp
  str x9, [x0, #96]
  mrs x9, tpidr_el0
  str x9, [x0, #104]
  ldr x10, [x0, #112]           // Context::fp_state
  cbz x10, 1f
  fp_save
1:
  ldr x10, [x1, #112]
  cbz x10, 2f
  fp_restore
2:
  ldr x9, [x1, #104]
  msr tpidr_el0, x9
  // The lower half: the thread's user table (ASID-tagged, so no TLB flush)
  // or the empty kernel-only one.
  ldr x9, [x1, #120]
  cbnz x9, 3f
  adrp x9, aarch64_kernel_only_ttbr0
  ldr x9, [x9, :lo12:aarch64_kernel_only_ttbr0]
3:
  mrs x10, ttbr0_el1
  cmp x9, x10
  b.eq 4f
  msr ttbr0_el1, x9
  isb
4:
  ldp x19, x20, [x1, #0]
  ldp x21, x22, [x1, #16]
  ldp x23, x24, [x1, #32]
  ldp x25, x26, [x1, #48]
  ldp x27, x28, [x1, #64]
  ldp x29, x30, [x1, #80]
  ldr x9, [x1, #96]
  mov sp, x9
  ret
  .size context_switch, . - context_switch

// hal_fp_save(FpState*) / hal_fp_restore(const FpState*): the current
// thread's FP registers (hal/aarch64/context.cpp, attach/detach).
  .global hal_fp_save
  .type hal_fp_save, %function
hal_fp_save:
  mov x10, x0
  fp_save
  ret
  .size hal_fp_save, . - hal_fp_save

  .global hal_fp_restore
  .type hal_fp_restore, %function
hal_fp_restore:
  mov x10, x0
  fp_restore
  ret
  .size hal_fp_restore, . - hal_fp_restore

// First code of every kernel thread: context_init left entry in x19 and its
// argument in x20.
  .global aarch64_thread_start
  .type aarch64_thread_start, %function
aarch64_thread_start:
  msr daifclr, #3
  mov x0, x20
  blr x19
  bl kernel_thread_exit
  b .
  .size aarch64_thread_start, . - aarch64_thread_start

// Semihosting call (op in w0, parameter pointer in x1). If semihosting is
// off, HLT is undefined: the sync handler recognises this address, marks
// semihosting unavailable and resumes after it.
  .global aarch64_semihost_call
  .global aarch64_semihost_hlt
  .type aarch64_semihost_call, %function
aarch64_semihost_call:
aarch64_semihost_hlt:
  hlt #0xf000
  ret
  .size aarch64_semihost_call, . - aarch64_semihost_call
