// hal/cpu.hpp on aarch64: DAIF masking, wfi, the per-CPU pointer.
#include <hal/arch/percpu.hpp>
#include <hal/arch/sysreg.hpp>
#include <hal/cpu.hpp>

namespace hal {

namespace {
constexpr IrqFlags kDaifI = 1 << 7;
}

IrqFlags irq_save() {
  const IrqFlags flags = HAL_READ_SYSREG(daif);
  asm volatile("msr daifset, #3" ::: "memory");  // IRQ and FIQ
  return flags;
}

void irq_restore(IrqFlags flags) { HAL_WRITE_SYSREG(daif, flags); }
void irq_enable() { asm volatile("msr daifclr, #3" ::: "memory"); }
void irq_disable() { asm volatile("msr daifset, #3" ::: "memory"); }
bool irqs_enabled() { return (HAL_READ_SYSREG(daif) & kDaifI) == 0; }

void wait_for_interrupt() { asm volatile("dsb sy\n wfi" ::: "memory"); }
void cpu_relax() { asm volatile("yield" ::: "memory"); }

[[noreturn]] void halt_forever() {
  asm volatile("msr daifset, #0xf" ::: "memory");
  for (;;) asm volatile("wfi");
}

void set_cpu_local(void* p) { arch::this_cpu()->kernel_local = p; }
void* cpu_local() { return arch::this_cpu()->kernel_local; }

void memory_barrier() { asm volatile("dmb ish" ::: "memory"); }

}  // namespace hal
