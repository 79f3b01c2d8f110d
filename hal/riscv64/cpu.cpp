// riscv64 CPU contract: sstatus.SIE masking, wfi, and the per-CPU pointer.
// tp always points at this hart's hal::riscv::HartLocal (set at bring-up,
// never saved/restored per thread); cpu_local() is one load through it.
#include <hal/arch/csr.hpp>
#include <hal/arch/hart.hpp>
#include <hal/cpu.hpp>

namespace hal {

IrqFlags irq_save() {
  IrqFlags old;
  asm volatile("csrrci %0, sstatus, 2" : "=r"(old)::"memory");
  return old & riscv::kSstatusSie;
}

void irq_restore(IrqFlags flags) {
  if (flags & riscv::kSstatusSie) asm volatile("csrsi sstatus, 2" ::: "memory");
}

void irq_enable() { asm volatile("csrsi sstatus, 2" ::: "memory"); }
void irq_disable() { asm volatile("csrci sstatus, 2" ::: "memory"); }
bool irqs_enabled() { return FUSION_CSR_READ(sstatus) & riscv::kSstatusSie; }

void wait_for_interrupt() { asm volatile("wfi" ::: "memory"); }
// Zihintpause `pause`, encoded by hand: it is a fence hint, a nop without it.
void cpu_relax() { asm volatile(".4byte 0x0100000f" ::: "memory"); }

[[noreturn]] void halt_forever() {
  irq_disable();
  for (;;) asm volatile("wfi");
}

void set_cpu_local(void* p) { riscv::this_hart()->kernel_local = p; }
void* cpu_local() { return riscv::this_hart()->kernel_local; }

void memory_barrier() { asm volatile("fence rw, rw" ::: "memory"); }

}  // namespace hal
