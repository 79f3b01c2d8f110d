// ARMv7-M vector table and the assembly entry points: reset, the fault,
// PendSV and SVCall entries, thread context switch and thread start, the
// divert trampoline, semihosting and __aeabi_read_tp.
//
// Threads run privileged in Thread mode on PSP; exceptions run in Handler
// mode on MSP (armv7m_msp_top). Interrupt handlers are plain C functions
// (the hardware stacks the caller-saved registers); every interrupt pends
// PendSV, whose handler diverts the interrupted thread into a Thread-mode
// trampoline that may call the scheduler (see trap.cpp).

  .syntax unified
  .thumb

#define NUM_IRQS 32

  .section .vectors, "a"
  .global armv7m_vectors
  .balign 128
armv7m_vectors:
  .word armv7m_msp_top       // initial MSP
  .word armv7m_reset
  .word armv7m_fault_entry   // NMI
  .word armv7m_fault_entry   // HardFault
  .word armv7m_fault_entry   // MemManage
  .word armv7m_fault_entry   // BusFault
  .word armv7m_fault_entry   // UsageFault
  .word armv7m_fault_entry
  .word armv7m_fault_entry
  .word armv7m_fault_entry
  .word armv7m_fault_entry
  .word armv7m_svc_entry     // SVCall
  .word armv7m_fault_entry   // DebugMonitor
  .word armv7m_fault_entry
  .word armv7m_pendsv_entry  // PendSV
  .word armv7m_irq_entry     // SysTick
  .rept NUM_IRQS
  .word armv7m_irq_entry
  .endr

  .text

// Reset: threads use PSP from here on (the boot flow becomes thread `main`
// on armv7m_boot_stack); copy .data from flash, zero .bss (no stack is used
// until both are done: the stacks live in .bss), then C.
  .global armv7m_reset
  .type armv7m_reset, %function
  .thumb_func
armv7m_reset:
  ldr r0, =armv7m_boot_stack_top
  msr psp, r0
  movs r0, #2                // CONTROL.SPSEL: Thread mode uses PSP
  msr control, r0
  isb
  ldr r0, =__data_load
  ldr r1, =__data_start
  ldr r2, =__data_end
1:
  cmp r1, r2
  bhs 2f
  ldr r3, [r0], #4
  str r3, [r1], #4
  b 1b
2:
  ldr r1, =__bss_start
  ldr r2, =__bss_end
  movs r3, #0
3:
  cmp r1, r2
  bhs 4f
  str r3, [r1], #4
  b 3b
4:
  bl armv7m_start
  b .
  .size armv7m_reset, . - armv7m_reset

// Saves what the hardware did not stack on MSP as {basepri, r4-r11,
// exc_return} (10 words, keeps MSP 8-byte aligned) and calls
// fn(hardware frame, saved block). fn returns the PSP to resume with, after
// writing the (possibly new) hardware frame there and updating the block.
.macro exception_to_c fn
  tst lr, #4
  ite eq
  mrseq r0, msp
  mrsne r0, psp
  mrs r3, basepri
  push {r3-r11, lr}
  mov r1, sp
  bl \fn
  msr psp, r0
  pop {r3-r11, lr}
  msr basepri, r3
  bx lr
.endm

  .global armv7m_fault_entry
  .type armv7m_fault_entry, %function
  .thumb_func
armv7m_fault_entry:
  exception_to_c armv7m_fault
  .size armv7m_fault_entry, . - armv7m_fault_entry

  .global armv7m_pendsv_entry
  .type armv7m_pendsv_entry, %function
  .thumb_func
armv7m_pendsv_entry:
  exception_to_c armv7m_pendsv
  .size armv7m_pendsv_entry, . - armv7m_pendsv_entry

  .global armv7m_svc_entry
  .type armv7m_svc_entry, %function
  .thumb_func
armv7m_svc_entry:
  exception_to_c armv7m_svc
  .size armv7m_svc_entry, . - armv7m_svc_entry

// Return target of hal::trap_frame_divert, in Thread mode: r0 = sp = the
// DivertBlock (saved TrapFrame at offset 0, then fn and arg). Calls
// fn(arg, &block->saved), then asks SVCall to resume the saved frame exactly
// (only an exception return restores xPSR's IT state).
#define DIVERT_FN 92
#define DIVERT_ARG 96
  .global armv7m_divert_trampoline
  .type armv7m_divert_trampoline, %function
  .thumb_func
armv7m_divert_trampoline:
  mov r4, r0
  ldr r2, [r4, #DIVERT_FN]
  ldr r0, [r4, #DIVERT_ARG]
  mov r1, r4
  blx r2
  mov r0, r4
  .global armv7m_divert_svc
armv7m_divert_svc:
  svc #0
  b .
  .size armv7m_divert_trampoline, . - armv7m_divert_trampoline

// void context_switch(Context* from, Context* to): Thread mode, interrupts
// masked. Also switches the thread pointer.
  .global context_switch
  .type context_switch, %function
  .thumb_func
context_switch:
  stm r0, {r4-r11}
  mov r2, sp
  str r2, [r0, #32]
  str lr, [r0, #36]
  ldr r3, =armv7m_tp
  ldr r2, [r3]
  str r2, [r0, #40]
  ldr r2, [r1, #40]
  str r2, [r3]
  // The incoming thread's stack guard (MPU region 2; RASR 0 disables it).
  ldr r3, =0xe000ed9c        // MPU_RBAR, MPU_RASR follows
  ldr r2, [r1, #48]
  str r2, [r3]
  ldr r2, [r1, #52]
  str r2, [r3, #4]
  dsb
  isb
  ldm r1, {r4-r11}
  ldr r2, [r1, #32]
  mov sp, r2
  ldr lr, [r1, #36]
  bx lr
  .size context_switch, . - context_switch

// First code of every kernel thread: context_init left entry in r4 and its
// argument in r5.
  .global armv7m_thread_start
  .type armv7m_thread_start, %function
  .thumb_func
armv7m_thread_start:
  movs r0, #0
  msr basepri, r0
  mov r0, r5
  blx r4
  bl kernel_thread_exit
  b .
  .size armv7m_thread_start, . - armv7m_thread_start

// Semihosting call: r0 = operation, r1 = parameter. Without a debugger or
// QEMU -semihosting the bkpt faults; the fault handler recognises this
// address, marks semihosting unavailable and resumes after it.
  .global armv7m_semihost_call
  .global armv7m_semihost_bkpt
  .type armv7m_semihost_call, %function
  .thumb_func
armv7m_semihost_call:
armv7m_semihost_bkpt:
  bkpt 0xab
  bx lr
  .size armv7m_semihost_call, . - armv7m_semihost_call

// The TLS thread pointer for code built -ftls-model=local-exec (ARM EABI:
// may clobber only r0 and lr... and we clobber only r0).
  .global __aeabi_read_tp
  .type __aeabi_read_tp, %function
  .thumb_func
__aeabi_read_tp:
  ldr r0, =armv7m_tp
  ldr r0, [r0]
  bx lr
  .size __aeabi_read_tp, . - __aeabi_read_tp

// The boot flow's stack (it becomes thread `main`) and the exception stack
// (MSP: every handler, nested ones included). Boards size them
// (FUSION_BOOT_STACK_SIZE, FUSION_MSP_STACK_SIZE in board.cmake).
#ifndef FUSION_BOOT_STACK_SIZE
#define FUSION_BOOT_STACK_SIZE 8192
#endif
#ifndef FUSION_MSP_STACK_SIZE
#define FUSION_MSP_STACK_SIZE 4096
#endif
  .section .bss.armv7m_stacks, "aw", %nobits
  .balign 8
  .global armv7m_msp_stack, armv7m_msp_top, armv7m_boot_stack, armv7m_boot_stack_top
armv7m_msp_stack:
  .space FUSION_MSP_STACK_SIZE
armv7m_msp_top:
armv7m_boot_stack:
  .space FUSION_BOOT_STACK_SIZE
armv7m_boot_stack_top:
