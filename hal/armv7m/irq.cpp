// hal/irq.hpp on ARMv7-M: the NVIC ("arm,armv7m-nvic"). hal irq numbers are
// external interrupt numbers (exception number - 16), as the devicetree's
// one-cell interrupt specifiers give them. Every interrupt enters
// armv7m_irq_entry, which dispatches by IPSR and pends PendSV for the
// end-of-interrupt work (divert.cpp).
#include <hal/arch/armv7m.hpp>
#include <hal/irq.hpp>
#include <hal/upcalls.hpp>
#include <kernel/driver.hpp>
#include <klib/spinlock.hpp>

namespace hal::arch {
namespace {

constexpr unsigned kMaxIrqs = 32;  // the vector table's size (vectors.S)

struct Slot {
  IrqHandler handler;
  void* arg;
};

Slot g_slots[kMaxIrqs];
unsigned g_lines;  // interrupt lines the NVIC implements (0 until probed)
unsigned g_spurious;

}  // namespace

void pend_pendsv() { mmio_write32(kIcsr, kIcsrPendSvSet); }

}  // namespace hal::arch

extern "C" void armv7m_irq_entry() {
  using namespace hal::arch;
  const unsigned exception = read_ipsr() & 0x1ff;
  const unsigned irq = exception - 16;
  if (exception >= 16 && irq < kMaxIrqs && g_slots[irq].handler) {
    g_slots[irq].handler(g_slots[irq].arg);
  } else {
    ++g_spurious;
    if (exception >= 16) hal::irq_mask(irq);  // nobody wants it: keep it from storming
  }
  pend_pendsv();
}

namespace hal {

klib::Result<void> irq_attach(unsigned irq, IrqHandler handler, void* arg) {
  using namespace arch;
  if (irq >= kMaxIrqs || irq >= g_lines || !handler) return klib::Err(klib::Error::INVAL);
  const IrqFlags flags = irq_save();
  const bool busy = g_slots[irq].handler != nullptr;
  if (!busy) g_slots[irq] = {handler, arg};
  irq_restore(flags);
  if (busy) return klib::Err(klib::Error::BUSY);
  return klib::ok();
}

void irq_unmask(unsigned irq) {
  if (irq < arch::g_lines) arch::mmio_write32(arch::kNvicIser + 4 * (irq / 32), 1u << (irq % 32));
}

void irq_mask(unsigned irq) {
  if (irq < arch::g_lines) {
    arch::mmio_write32(arch::kNvicIcer + 4 * (irq / 32), 1u << (irq % 32));
    arch::dsb();
    arch::isb();
  }
}

void ipi_send(unsigned, Ipi) {}  // one CPU: nobody to interrupt

}  // namespace hal

namespace {

using namespace hal::arch;

// Everything masked and cleared, every line at the device priority, then
// the line count the vector table can dispatch.
klib::Result<void> nvic_probe(dt::Node) {
  const unsigned implemented = 32 * ((mmio_read32(kIctr) & 0xf) + 1);
  g_lines = implemented < kMaxIrqs ? implemented : kMaxIrqs;
  for (unsigned i = 0; i < g_lines; i += 32) {
    mmio_write32(kNvicIcer + i / 8, ~0u);
    mmio_write32(kNvicIcpr + i / 8, ~0u);
  }
  for (unsigned i = 0; i < g_lines; ++i)
    *reinterpret_cast<volatile std::uint8_t*>(kNvicIpr + i) = kPrioIrq;
  return klib::ok();
}

}  // namespace

FUSION_DRIVER(armv7m_nvic, kernel::DriverStage::IrqChip, nvic_probe, "arm,armv7m-nvic");
