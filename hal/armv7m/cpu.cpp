// hal/cpu.hpp on ARMv7-M. "Interrupts off" is BASEPRI = kBasepriMask, which
// masks every device interrupt, SysTick and PendSV but not SVCall (the
// divert return) nor faults; PRIMASK stays clear.
#include <hal/arch/armv7m.hpp>
#include <hal/cpu.hpp>

namespace hal {

namespace {
void* g_cpu_local;
}

IrqFlags irq_save() {
  const IrqFlags flags = arch::read_basepri();
  arch::write_basepri(arch::kBasepriMask);
  arch::isb();
  return flags;
}

void irq_restore(IrqFlags flags) { arch::write_basepri(static_cast<std::uint32_t>(flags)); }
void irq_enable() { arch::write_basepri(0); }
void irq_disable() {
  arch::write_basepri(arch::kBasepriMask);
  arch::isb();
}
bool irqs_enabled() { return arch::read_basepri() == 0; }

// WFI wakes only for interrupts BASEPRI lets through, but for any pending
// one while PRIMASK is set: swap the masks around it so a masked caller
// still wakes, and takes the interrupt once it unmasks.
void wait_for_interrupt() {
  const std::uint32_t basepri = arch::read_basepri();
  asm volatile("cpsid i" ::: "memory");
  arch::write_basepri(0);
  asm volatile("dsb\n wfi" ::: "memory");
  arch::write_basepri(basepri);
  asm volatile("cpsie i\n isb" ::: "memory");
}

void cpu_relax() { asm volatile("nop" ::: "memory"); }

[[noreturn]] void halt_forever() {
  asm volatile("cpsid i" ::: "memory");
  for (;;) asm volatile("wfi");
}

void set_cpu_local(void* p) { g_cpu_local = p; }
void* cpu_local() { return g_cpu_local; }

void memory_barrier() { asm volatile("dmb" ::: "memory"); }

}  // namespace hal
