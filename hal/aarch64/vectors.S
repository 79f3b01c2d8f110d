// Exception vectors (VBAR_EL1). Every exception builds a hal::TrapFrame on the
// current kernel stack; a data abort just below sp (kernel stack overflow)
// first switches to the CPU's emergency stack, since sp itself is unusable.

#define FRAME_SIZE 288
#define PERCPU_EMERGENCY_TOP 8
#define PERCPU_SCRATCH 16
#define PERCPU_FAULT_SP 24
#define EC_DATA_ABORT_SAME_EL 0x25

// Saves x0-x30, the interrupted sp, elr, spsr, esr and far at sp.
.macro save_frame
  sub sp, sp, #FRAME_SIZE
  stp x0, x1, [sp, #0]
  stp x2, x3, [sp, #16]
  stp x4, x5, [sp, #32]
  stp x6, x7, [sp, #48]
  stp x8, x9, [sp, #64]
  stp x10, x11, [sp, #80]
  stp x12, x13, [sp, #96]
  stp x14, x15, [sp, #112]
  stp x16, x17, [sp, #128]
  stp x18, x19, [sp, #144]
  stp x20, x21, [sp, #160]
  stp x22, x23, [sp, #176]
  stp x24, x25, [sp, #192]
  stp x26, x27, [sp, #208]
  stp x28, x29, [sp, #224]
  add x0, sp, #FRAME_SIZE
  stp x30, x0, [sp, #240]
  mrs x0, elr_el1
  mrs x1, spsr_el1
  stp x0, x1, [sp, #256]
  mrs x0, esr_el1
  mrs x1, far_el1
  stp x0, x1, [sp, #272]
  // A frame record pointing at the interrupted code, so backtraces from the
  // handler continue through the exception into the interrupted function.
  ldr x0, [sp, #256]
  stp x29, x0, [sp, #-16]!
  mov x29, sp
  add x0, sp, #16
.endm

// Restores the frame saved by save_frame and returns from the exception.
// elr and sp come from the frame, so a handler may redirect both (an
// expected fault resumes elsewhere, possibly on another stack). IRQs stay
// masked until eret, so reading the frame after moving sp is safe.
.macro restore_frame_eret
  add sp, sp, #16
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
.endm

// A vector slot that reports an exception the kernel never expects.
.macro bad_vector kind
  .balign 0x80
  save_frame
  mov x1, #\kind
  bl aarch64_bad_exception
  b .
.endm

  .section .text.vectors, "ax"
  .balign 0x800
  .global aarch64_vectors
aarch64_vectors:
  // Current EL with SP_EL0: the kernel always runs on SP_EL1.
  bad_vector 0
  bad_vector 1
  bad_vector 2
  bad_vector 3

  // Current EL with SP_ELx.
  .balign 0x80
  b el1_sync
  .balign 0x80
  b el1_irq
  bad_vector 5  // FIQ
  bad_vector 6  // SError

  // Lower EL, AArch64: user space (user_entry.S).
  .balign 0x80
  b aarch64_el0_sync_entry
  .balign 0x80
  b aarch64_el0_irq_entry
  bad_vector 10
  bad_vector 11

  // Lower EL, AArch32: never entered (no 32-bit user space).
  bad_vector 12
  bad_vector 13
  bad_vector 14
  bad_vector 15

el1_sync:
  // Only x0 may be borrowed before the stack is known good; SP_EL0 is a
  // free register while the kernel runs on SP_EL1.
  msr sp_el0, x0
  mrs x0, esr_el1
  ubfx x0, x0, #26, #6
  cmp x0, #EC_DATA_ABORT_SAME_EL
  b.ne 1f
  mrs x0, far_el1
  sub x0, sp, x0          // sp - far
  add x0, x0, #4096       // in [0, 8192) <=> far within a page of sp
  cmp x0, #2, lsl #12
  b.lo el1_stack_overflow
1:
  mrs x0, sp_el0
  save_frame
  bl aarch64_sync
  restore_frame_eret

el1_stack_overflow:
  mrs x0, tpidr_el1
  str x1, [x0, #PERCPU_SCRATCH]
  mov x1, sp
  str x1, [x0, #PERCPU_FAULT_SP]
  ldr x1, [x0, #PERCPU_EMERGENCY_TOP]
  mov sp, x1
  ldr x1, [x0, #PERCPU_SCRATCH]
  mrs x0, sp_el0
  save_frame
  mrs x1, tpidr_el1
  ldr x1, [x1, #PERCPU_FAULT_SP]
  str x1, [x0, #248]      // the frame's sp is the overflowing one
  bl aarch64_stack_overflow  // returns only if a test expected the fault
  restore_frame_eret

el1_irq:
  save_frame
  bl aarch64_irq
  restore_frame_eret

// --- user space (EL0) --------------------------------------------------------
// An exception from EL0 lands on SP_EL1, which holds the top of the running
// thread's kernel stack (set by the last return to EL0). The frame's sp is the
// user SP_EL0; it is written back on return, so kernel code may use SP_EL0 as
// scratch (el1_sync does) while a user thread is in the kernel.

  .global aarch64_el0_sync_entry
aarch64_el0_sync_entry:
  save_frame
  mrs x1, sp_el0
  str x1, [x0, #248]
  bl aarch64_el0_sync
  b aarch64_el0_return

  .global aarch64_el0_irq_entry
aarch64_el0_irq_entry:
  save_frame
  mrs x1, sp_el0
  str x1, [x0, #248]
  bl aarch64_el0_irq
  b aarch64_el0_return

// sp = the frame record save_frame pushed, the frame above it; IRQs masked.
// Leaves SP_EL1 at the frame's top: the next entry from EL0 starts there.
  .global aarch64_el0_return
aarch64_el0_return:
  add sp, sp, #16
  ldp x0, x1, [sp, #256]
  msr elr_el1, x0
  msr spsr_el1, x1
  ldr x0, [sp, #248]
  msr sp_el0, x0
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
  ldr x30, [sp, #240]
  ldp x0, x1, [sp, #0]
  add sp, sp, #FRAME_SIZE
  eret

// aarch64_enter_user(TrapFrame* frame): the first return to EL0 of a thread,
// from a frame built in its kernel stack (hal::enter_user). Everything below
// the frame is abandoned.
  .global aarch64_enter_user
aarch64_enter_user:
  msr daifset, #3
  sub sp, x0, #16
  b aarch64_el0_return
