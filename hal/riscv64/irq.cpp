// riscv64 interrupt contract: a handler table over whichever external
// interrupt controller registered (the PLIC driver), and IPIs as supervisor
// software interrupts sent with SBI; the kind travels in a per-hart bitmask.
#include <hal/arch/csr.hpp>
#include <hal/arch/hart.hpp>
#include <hal/arch/riscv.hpp>
#include <hal/arch/sbi.hpp>
#include <hal/irq.hpp>
#include <hal/upcalls.hpp>
#include <klib/printk.hpp>

namespace hal {
namespace {

constexpr unsigned kMaxIrqs = 1024;  // PLIC sources 1..1023
struct Slot {
  IrqHandler handler;
  void* arg;
};
Slot slots[kMaxIrqs];
const riscv::IrqChip* chip;

}  // namespace

klib::Result<void> irq_attach(unsigned irq, IrqHandler handler, void* arg) {
  if (!chip) return klib::Err(klib::Error::NODEV);
  if (irq == 0 || irq >= kMaxIrqs || irq >= chip->num_irqs) return klib::Err(klib::Error::INVAL);
  if (__atomic_load_n(&slots[irq].handler, __ATOMIC_ACQUIRE)) return klib::Err(klib::Error::BUSY);
  slots[irq].arg = arg;
  __atomic_store_n(&slots[irq].handler, handler, __ATOMIC_RELEASE);
  return klib::ok();
}

void irq_unmask(unsigned irq) {
  if (chip && irq < chip->num_irqs) chip->set_enabled(irq, true);
}

void irq_mask(unsigned irq) {
  if (chip && irq < chip->num_irqs) chip->set_enabled(irq, false);
}

void ipi_send(unsigned cpu, Ipi kind) {
  if (cpu >= kMaxCpus) return;
  riscv::HartLocal& h = riscv::hart_local[cpu];
  h.ipi_pending.fetch_or(1u << static_cast<unsigned>(kind), std::memory_order_release);
  sbi::send_ipi(h.hartid);
}

namespace riscv {

void set_irqchip(const IrqChip* c) {
  chip = c;
  irqchip_init_this_hart();
}

void irqchip_init_this_hart() {
  if (chip && chip->init_this_hart) chip->init_this_hart();
}

void handle_external_interrupt() {
  if (!chip) return;
  // Drain everything pending for this hart's context before returning.
  for (unsigned irq; (irq = chip->claim()) != 0;) {
    Slot s{__atomic_load_n(&slots[irq].handler, __ATOMIC_ACQUIRE), slots[irq].arg};
    if (s.handler)
      s.handler(s.arg);
    else
      chip->set_enabled(irq, false);  // nobody wants it: stop it firing
    chip->complete(irq);
  }
}

void handle_ipi() {
  FUSION_CSR_CLEAR(sip, kIrqSoft);
  std::uint32_t pending = this_hart()->ipi_pending.exchange(0, std::memory_order_acquire);
  for (unsigned kind = 0; pending; ++kind, pending >>= 1)
    if (pending & 1) kernel::on_ipi(static_cast<Ipi>(kind));
}

}  // namespace riscv
}  // namespace hal
