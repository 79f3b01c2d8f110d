// Return target of hal::trap_frame_divert: x0 = sp = the DivertBlock (a
// saved TrapFrame, then fn and arg). Runs fn(arg) with interrupts as the
// interrupted code had them, preserving q0-q31/fpcr/fpsr around it (handlers
// are application code and may use FP), then restores the saved frame and
// erets to the interrupted instruction.
#define FP_AREA 528

  .section .text
  .global aarch64_divert_trampoline
  .balign 4
aarch64_divert_trampoline:
  mov x19, x0
  sub sp, sp, #FP_AREA
  stp q0, q1, [sp, #16]
  stp q2, q3, [sp, #48]
  stp q4, q5, [sp, #80]
  stp q6, q7, [sp, #112]
  stp q8, q9, [sp, #144]
  stp q10, q11, [sp, #176]
  stp q12, q13, [sp, #208]
  stp q14, q15, [sp, #240]
  stp q16, q17, [sp, #272]
  stp q18, q19, [sp, #304]
  stp q20, q21, [sp, #336]
  stp q22, q23, [sp, #368]
  stp q24, q25, [sp, #400]
  stp q26, q27, [sp, #432]
  stp q28, q29, [sp, #464]
  stp q30, q31, [sp, #496]
  mrs x1, fpcr
  mrs x2, fpsr
  stp x1, x2, [sp, #0]
  // Frame record naming the interrupted code, for backtraces.
  ldr x1, [x19, #256]
  ldr x2, [x19, #232]
  stp x2, x1, [sp, #-16]!
  mov x29, sp
  ldr x1, [x19, #288]
  ldr x0, [x19, #296]
  blr x1
  add sp, sp, #16
  ldp x1, x2, [sp, #0]
  msr fpcr, x1
  msr fpsr, x2
  ldp q0, q1, [sp, #16]
  ldp q2, q3, [sp, #48]
  ldp q4, q5, [sp, #80]
  ldp q6, q7, [sp, #112]
  ldp q8, q9, [sp, #144]
  ldp q10, q11, [sp, #176]
  ldp q12, q13, [sp, #208]
  ldp q14, q15, [sp, #240]
  ldp q16, q17, [sp, #272]
  ldp q18, q19, [sp, #304]
  ldp q20, q21, [sp, #336]
  ldp q22, q23, [sp, #368]
  ldp q24, q25, [sp, #400]
  ldp q26, q27, [sp, #432]
  ldp q28, q29, [sp, #464]
  ldp q30, q31, [sp, #496]
  // Masked from here to eret: the frame lies below nothing live once sp moves.
  msr daifset, #2
  mov sp, x19
  ldp x0, x1, [sp, #256]
  msr elr_el1, x0
  msr spsr_el1, x1
  ldp x2, x3, [sp, #16]
  ldp x4, x5, [sp, #32]
  ldp x6, x7, [sp, #48]
  ldp x8, x9, [sp, #64]
  ldp x10, x11, [sp, #80]
  ldp x12, x13, [sp, #96]
  ldp x14, x15, [sp, #112]
  ldp x16, x17, [sp, #128]
  ldp x18, x19, [sp, #144]
  ldp x20, x21, [sp, #160]
  ldp x22, x23, [sp, #176]
  ldp x24, x25, [sp, #192]
  ldp x26, x27, [sp, #208]
  ldp x28, x29, [sp, #224]
  ldp x30, x0, [sp, #240]
  mov x1, sp
  mov sp, x0
  ldp x0, x1, [x1, #0]
  eret
