// SiFive UART ("sifive,uart0", FU540/FU740/E310): polled console output
// (usable with IRQs masked) bound at the Console stage, and the receive
// watermark interrupt feeding console::input_from_irq, attached at the Device
// stage once the interrupt controller is up.
#include <hal/cpu.hpp>
#include <hal/irq.hpp>
#include <hal/mmu.hpp>
#include <kernel/console.hpp>
#include <kernel/driver.hpp>

namespace {

// Register offsets (FU540-C000 manual, chapter "UART").
constexpr unsigned kTxData = 0x00, kRxData = 0x04, kTxCtrl = 0x08, kRxCtrl = 0x0c, kIe = 0x10;
constexpr std::uint32_t kTxFull = 1u << 31;   // txdata: the transmit FIFO is full
constexpr std::uint32_t kRxEmpty = 1u << 31;  // rxdata: this read returned no byte
constexpr std::uint32_t kCtrlEnable = 1u << 0;
constexpr std::uint32_t kCtrlCountMask = 7u << 16;  // txcnt/rxcnt watermark
constexpr std::uint32_t kIeRxWatermark = 1u << 1;

struct Uart {
  std::uintptr_t base;
  int node;
};

constexpr unsigned kMaxUarts = 4;
Uart uarts[kMaxUarts];
unsigned num_uarts;

volatile std::uint32_t& reg(const Uart& u, unsigned off) {
  return *reinterpret_cast<volatile std::uint32_t*>(u.base + off);
}

void put_char(void* ctx, char c) {
  const Uart& u = *static_cast<const Uart*>(ctx);
  while (reg(u, kTxData) & kTxFull) hal::cpu_relax();
  reg(u, kTxData) = static_cast<std::uint8_t>(c);
}

// The rx watermark is pending while the FIFO holds more than rxcnt (0)
// bytes, so draining it until rxdata reports empty clears the interrupt.
void rx_interrupt(void* ctx) {
  const Uart& u = *static_cast<const Uart*>(ctx);
  for (std::uint32_t v; !((v = reg(u, kRxData)) & kRxEmpty);)
    console::input_from_irq(static_cast<char>(v & 0xff));
}

klib::Result<void> probe(dt::Node node) {
  if (num_uarts == kMaxUarts) return klib::Err(klib::Error::NOSPC);
  const dt::Range r = TRY(dt::reg(node));
  Uart& u = uarts[num_uarts];
  u.base = reinterpret_cast<std::uintptr_t>(TRY(hal::map_mmio(r.base, r.size)));
  u.node = node.offset;
  ++num_uarts;
  // The firmware set the baud divisor from the bus clock; keep it. Make sure
  // both directions are on (a loader may have used only tx), interrupts off.
  reg(u, kIe) = 0;
  reg(u, kTxCtrl) = reg(u, kTxCtrl) | kCtrlEnable;
  reg(u, kRxCtrl) = (reg(u, kRxCtrl) & ~kCtrlCountMask) | kCtrlEnable;
  console::register_device({"sifive-uart", put_char, &u}, node.offset);
  return klib::ok();
}

klib::Result<void> probe_irq(dt::Node node) {
  for (unsigned i = 0; i < num_uarts; ++i) {
    Uart& u = uarts[i];
    if (u.node != node.offset) continue;
    const unsigned irq = TRY(dt::irq(node));
    TRY(hal::irq_attach(irq, rx_interrupt, &u));
    reg(u, kIe) = kIeRxWatermark;
    hal::irq_unmask(irq);
    return klib::ok();
  }
  return klib::Err(klib::Error::NODEV);  // the Console stage did not bind it
}

}  // namespace

FUSION_DRIVER(sifive_uart, kernel::DriverStage::Console, probe, "sifive,uart0");
FUSION_DRIVER(sifive_uart_irq, kernel::DriverStage::Device, probe_irq, "sifive,uart0");
