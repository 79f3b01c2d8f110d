// The interrupt controller behind hal::irq_*: a GIC driver (gicv2.cpp or
// gicv3.cpp) binds itself here when its devicetree node is probed.
#pragma once

namespace hal::arch {

struct IrqChip {
  const char* name;
  // Acknowledges the highest-priority pending interrupt; returns the raw
  // acknowledge value: INTID in bits 0-9 (>= 1020: spurious), plus what eoi
  // needs back (the GICv2 SGI source CPU).
  unsigned (*ack)();
  void (*eoi)(unsigned raw);
  void (*mask)(unsigned intid);
  void (*unmask)(unsigned intid);
  void (*send_sgi)(unsigned logical_cpu, unsigned sgi);
  // Brings up the calling CPU's interface (and GICv3 redistributor) and
  // re-enables the per-CPU interrupts (SGIs, PPIs) unmasked so far.
  void (*init_this_cpu)();
};

void irqchip_register(const IrqChip* chip);

// Called from the IRQ vector with the frame already saved.
void handle_irq();

}  // namespace hal::arch

namespace hal {
// Initialises the interrupt controller's per-CPU part on the calling CPU;
// hal::secondary_cpu_init() (hal/smp.hpp) calls it. Idempotent.
void irq_init_this_cpu();
}  // namespace hal
