// Hooks between hal/riscv64 and the riscv drivers in hal/drivers: the drivers
// bound from the devicetree plug their hardware into the contract functions.
#pragma once

#include <cstdint>

namespace hal::riscv {

// The external interrupt controller (PLIC today, APLIC later).
struct IrqChip {
  void (*set_enabled)(unsigned irq, bool on);
  unsigned (*claim)();  // 0 = nothing pending
  void (*complete)(unsigned irq);
  void (*init_this_hart)();  // per-hart context setup, run by every hart
  unsigned num_irqs;
};
void set_irqchip(const IrqChip* chip);
void irqchip_init_this_hart();

// Called by the riscv_timer driver once the timebase is known.
void timer_configure(std::uint64_t frequency_hz, bool use_sstc);
bool timer_uses_sstc();

// Power-off methods; hal::poweroff uses the highest priority one and falls
// back to SBI SRST.
void register_poweroff(int priority, void (*fn)(int status));

// Trap-level dispatch (hal/riscv64/irq.cpp, timer.cpp).
void handle_external_interrupt();
void handle_ipi();
void handle_timer_interrupt();

}  // namespace hal::riscv
