// The CPU contract every architecture implements (hal/<arch>/cpu.cpp or
// inline in hal/arch/cpu_inline.hpp): interrupt masking, idle, per-CPU data.
#pragma once

#include <cstdint>

namespace hal {

using IrqFlags = unsigned long;

// Disables interrupts on this CPU and returns the previous state.
IrqFlags irq_save();
void irq_restore(IrqFlags flags);
void irq_enable();
void irq_disable();
bool irqs_enabled();

// Sleeps until an interrupt arrives (wfi). Interrupts may be masked: the CPU
// still wakes and the pending interrupt is taken once unmasked.
void wait_for_interrupt();
void cpu_relax();
[[noreturn]] void halt_forever();

// Per-CPU pointer (tpidr_el1 on aarch64, tp/sscratch on riscv64), set once per
// CPU at bring-up; the kernel keeps its struct PerCpu there.
void set_cpu_local(void* p);
void* cpu_local();

// Full memory barrier for SMP ordering.
void memory_barrier();

}  // namespace hal
