// Functions the kernel implements and the arch code calls: the only way
// control flows from hal/ up into the kernel.
#pragma once

#include <cstdint>

#include <hal/irq.hpp>
#include <hal/mmu.hpp>

namespace hal {
struct TrapFrame;  // per arch, <hal/arch/trap_frame.hpp>
}

extern "C" {
// Boot CPU, MMU on, running at the kernel's virtual address on the boot stack,
// interrupts masked. `dtb_pa` is the devicetree the firmware passed.
[[noreturn]] void kernel_main(std::uint64_t dtb_pa);
// A secondary CPU, MMU on, on the stack given to hal::cpu_start.
[[noreturn]] void kernel_secondary_main(unsigned logical_cpu);
// A kernel thread's entry function returned.
[[noreturn]] void kernel_thread_exit();
}

namespace kernel {
// Timer interrupt on this CPU (the one-shot deadline passed).
void on_timer_interrupt();
// An IPI arrived on this CPU.
void on_ipi(hal::Ipi kind);
// Called on the way out of every interrupt: switches threads if a reschedule
// is pending and preemption is allowed.
void on_irq_exit();
// Last step before an interrupt returns to the (possibly switched back to)
// thread it interrupted, interrupts masked: signal delivery may divert the
// return with hal::trap_frame_divert.
void on_irq_return(hal::TrapFrame* frame);
// An exception the kernel did not expect: prints the CPU, cause, faulting
// address, registers and backtrace, then stops (never returns).
[[noreturn]] void on_fatal_exception(hal::TrapFrame* frame, const char* cause,
                                     std::uint64_t fault_address);
// Test hook: a KTEST that provokes a fault registers a recovery point; the
// arch trap handler asks whether the fault is expected before panicking.
bool on_expected_fault(hal::TrapFrame* frame, std::uint64_t fault_address);

// --- user space (hal/user.hpp) ---
// What a fault from user mode was.
enum class UserFault : std::uint8_t { Read, Write, Exec, Illegal, Alignment, Breakpoint };
// A system call from user mode; interrupts are enabled. May not return
// (exit), may block.
void on_syscall(hal::TrapFrame* frame);
// A synchronous exception from user mode at `address` (the data address for
// Read/Write, the pc otherwise); interrupts are enabled. Resolves it
// (demand paging) or signals the process.
void on_user_fault(hal::TrapFrame* frame, UserFault kind, std::uintptr_t address);
// Last step before every return to user mode, interrupts enabled: pending
// signals act here (user frames are never diverted by on_irq_return).
void on_user_return(hal::TrapFrame* frame);
// A kernel-mode fault on a user address inside a usercopy primitive,
// interrupts masked: true when the page was made present (the access is
// retried); false lets the primitive fail with EFAULT.
bool on_usercopy_fault(std::uintptr_t address, bool write);
// Zeroed 4 KiB pages for user page tables (physical address; 0 = none).
hal::PhysAddr alloc_page_table();
void free_page_table(hal::PhysAddr pa);
}  // namespace kernel
