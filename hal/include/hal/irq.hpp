// Interrupt controller contract (GICv2, GICv3, PLIC drivers implement it) and
// inter-processor interrupts.
#pragma once

#include <klib/result.hpp>

namespace hal {

using IrqHandler = void (*)(void* arg);

// `irq` is the controller's own number: GIC INTID (SPI n = 32 + n) or PLIC
// source. Drivers obtain it from their devicetree node with dt::irq().
klib::Result<void> irq_attach(unsigned irq, IrqHandler handler, void* arg);
void irq_unmask(unsigned irq);
void irq_mask(unsigned irq);

enum class Ipi : unsigned { Reschedule = 0, Call = 1, Stop = 2 };
void ipi_send(unsigned cpu, Ipi kind);

}  // namespace hal
