// NS16550A UART: polled console output (usable with IRQs masked) bound at the
// Console stage, and receive interrupts feeding console::input_from_irq,
// attached at the Device stage once the interrupt controller is up.
#include <hal/cpu.hpp>
#include <hal/irq.hpp>
#include <hal/mmu.hpp>
#include <kernel/console.hpp>
#include <kernel/driver.hpp>

namespace {

constexpr unsigned kRbrThr = 0, kIer = 1, kFcr = 2, kMcr = 4, kLsr = 5;
constexpr std::uint8_t kLsrDataReady = 0x01, kLsrThrEmpty = 0x20;
constexpr std::uint8_t kIerRxAvailable = 0x01;
constexpr std::uint8_t kMcrOut2 = 0x08;  // gates the IRQ line on real 16550s

struct Uart {
  std::uintptr_t base;
  unsigned shift;     // reg-shift: registers are 1 << shift bytes apart
  unsigned io_width;  // reg-io-width: 1 or 4 byte accesses
  int node;
};

constexpr unsigned kMaxUarts = 4;
Uart uarts[kMaxUarts];
unsigned num_uarts;

std::uint8_t rd(const Uart& u, unsigned r) {
  const std::uintptr_t a = u.base + (r << u.shift);
  if (u.io_width == 4)
    return static_cast<std::uint8_t>(*reinterpret_cast<volatile std::uint32_t*>(a));
  return *reinterpret_cast<volatile std::uint8_t*>(a);
}

void wr(const Uart& u, unsigned r, std::uint8_t v) {
  const std::uintptr_t a = u.base + (r << u.shift);
  if (u.io_width == 4)
    *reinterpret_cast<volatile std::uint32_t*>(a) = v;
  else
    *reinterpret_cast<volatile std::uint8_t*>(a) = v;
}

void put_char(void* ctx, char c) {
  const Uart& u = *static_cast<const Uart*>(ctx);
  while (!(rd(u, kLsr) & kLsrThrEmpty)) hal::cpu_relax();
  wr(u, kRbrThr, static_cast<std::uint8_t>(c));
}

void rx_interrupt(void* ctx) {
  const Uart& u = *static_cast<const Uart*>(ctx);
  while (rd(u, kLsr) & kLsrDataReady) console::input_from_irq(static_cast<char>(rd(u, kRbrThr)));
}

klib::Result<void> probe(dt::Node node) {
  if (num_uarts == kMaxUarts) return klib::Err(klib::Error::NOSPC);
  const dt::Range r = TRY(dt::reg(node));
  Uart& u = uarts[num_uarts];
  u.base = reinterpret_cast<std::uintptr_t>(TRY(hal::map_mmio(r.base, r.size)));
  u.shift = dt::prop_u32(node, "reg-shift").value_or(0);
  u.io_width = dt::prop_u32(node, "reg-io-width").value_or(1);
  u.node = node.offset;
  ++num_uarts;
  // The firmware set the line parameters; keep them, just quiet interrupts
  // and enable the FIFOs.
  wr(u, kIer, 0);
  wr(u, kFcr, 0x07);
  console::register_device({"ns16550a", put_char, &u}, node.offset);
  return klib::ok();
}

klib::Result<void> probe_irq(dt::Node node) {
  for (unsigned i = 0; i < num_uarts; ++i) {
    Uart& u = uarts[i];
    if (u.node != node.offset) continue;
    const unsigned irq = TRY(dt::irq(node));
    TRY(hal::irq_attach(irq, rx_interrupt, &u));
    wr(u, kMcr, rd(u, kMcr) | kMcrOut2);
    wr(u, kIer, kIerRxAvailable);
    hal::irq_unmask(irq);
    return klib::ok();
  }
  return klib::Err(klib::Error::NODEV);  // the Console stage did not bind it
}

}  // namespace

FUSION_DRIVER(ns16550a, kernel::DriverStage::Console, probe, "ns16550a");
FUSION_DRIVER(ns16550a_irq, kernel::DriverStage::Device, probe_irq, "ns16550a");
