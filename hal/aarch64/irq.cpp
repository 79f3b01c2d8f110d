// hal/irq.hpp on aarch64: a handler table indexed by GIC INTID, dispatched
// from the IRQ vector through whichever GIC driver bound itself.
#include <hal/arch/irqchip.hpp>
#include <hal/irq.hpp>
#include <hal/upcalls.hpp>
#include <klib/spinlock.hpp>

namespace hal::arch {
namespace {

constexpr unsigned kMaxIntid = 1020;  // 1020-1023 are special INTIDs
constexpr unsigned kSgiCount = 16;

struct Slot {
  IrqHandler handler;
  void* arg;
};

Slot g_slots[kMaxIntid];
klib::SpinLockIrq g_lock;
const IrqChip* g_chip;

}  // namespace

void irqchip_register(const IrqChip* chip) { g_chip = chip; }

void handle_irq() {
  if (!g_chip) return;
  // Drain what is pending in one exception entry; bounded so a stuck level
  // interrupt cannot starve the interrupted thread forever.
  for (int n = 0; n < 8; ++n) {
    // The raw value may carry more than the INTID (GICv2 SGI source CPU);
    // the chip wants it back unchanged at EOI.
    const unsigned raw = g_chip->ack();
    const unsigned intid = raw & 0x3ff;
    if (intid >= kMaxIntid) return;
    if (intid < kSgiCount) {
      g_chip->eoi(raw);
      kernel::on_ipi(static_cast<Ipi>(intid));
      continue;
    }
    const Slot slot = g_slots[intid];
    if (slot.handler) {
      slot.handler(slot.arg);
    } else {
      g_chip->mask(intid);  // nobody wants it: keep it from storming
    }
    g_chip->eoi(raw);
  }
}

}  // namespace hal::arch

namespace hal {

klib::Result<void> irq_attach(unsigned irq, IrqHandler handler, void* arg) {
  using namespace arch;
  if (irq < kSgiCount || irq >= kMaxIntid || !handler) return klib::Err(klib::Error::INVAL);
  klib::SpinGuard guard(g_lock);
  if (g_slots[irq].handler) return klib::Err(klib::Error::BUSY);
  g_slots[irq] = {handler, arg};
  return klib::ok();
}

void irq_unmask(unsigned irq) {
  if (arch::g_chip) arch::g_chip->unmask(irq);
}

void irq_mask(unsigned irq) {
  if (arch::g_chip) arch::g_chip->mask(irq);
}

void ipi_send(unsigned cpu, Ipi kind) {
  if (arch::g_chip) arch::g_chip->send_sgi(cpu, static_cast<unsigned>(kind));
}

void irq_init_this_cpu() {
  if (arch::g_chip) arch::g_chip->init_this_cpu();
}

}  // namespace hal
