// BCM2835 auxiliary mini-UART ("brcm,bcm2835-aux-uart"): the Raspberry Pi 3's
// pin-header console (the PL011 serves Bluetooth there). A cut-down 16550
// with 32-bit registers 4 bytes apart: polled output for the console, the
// receive interrupt feeding console::input_from_irq. The aux block's enable
// bit and the baud rate are the firmware's (config.txt enable_uart=1).
#include <hal/arch/sysreg.hpp>
#include <hal/cpu.hpp>
#include <hal/irq.hpp>
#include <hal/mmu.hpp>
#include <kernel/console.hpp>
#include <kernel/driver.hpp>

namespace {

using hal::arch::mmio_read32;
using hal::arch::mmio_write32;

constexpr std::uintptr_t kIo = 0x00;
constexpr std::uintptr_t kIer = 0x04;
constexpr std::uintptr_t kIir = 0x08;  // write: FIFO clear bits
constexpr std::uintptr_t kLsr = 0x14;
constexpr std::uint32_t kLsrDataReady = 1 << 0;
constexpr std::uint32_t kLsrTxEmpty = 1 << 5;  // room for at least one byte
constexpr std::uint32_t kIerRx = 1 << 0;       // BCM2835 errata: bit 0 is receive
constexpr std::uint32_t kIirClearFifos = 0x6;

struct Uart {
  std::uintptr_t base;
  int node_offset;
};

Uart g_uart;

void put_char(void* ctx, char c) {
  const auto* u = static_cast<const Uart*>(ctx);
  while (!(mmio_read32(u->base + kLsr) & kLsrTxEmpty)) hal::cpu_relax();
  mmio_write32(u->base + kIo, static_cast<unsigned char>(c));
}

void rx_irq(void* ctx) {
  const auto* u = static_cast<const Uart*>(ctx);
  // Reading IO pops the FIFO; the line drops once it is empty.
  while (mmio_read32(u->base + kLsr) & kLsrDataReady)
    console::input_from_irq(static_cast<char>(mmio_read32(u->base + kIo) & 0xff));
}

klib::Result<void> probe(dt::Node node) {
  if (g_uart.base) return klib::Err(klib::Error::BUSY);  // the SoC has one
  const dt::Range reg = TRY(dt::reg(node));
  g_uart = {reinterpret_cast<std::uintptr_t>(TRY(hal::map_mmio(reg.base, reg.size))), node.offset};
  mmio_write32(g_uart.base + kIer, 0);  // quiet until the interrupt controller is up
  console::register_device({"bcm2835-aux-uart", put_char, &g_uart}, node.offset);
  return klib::ok();
}

klib::Result<void> probe_irq(dt::Node node) {
  if (!g_uart.base || g_uart.node_offset != node.offset) return klib::Err(klib::Error::NODEV);
  const unsigned irq = TRY(dt::irq(node));
  TRY(hal::irq_attach(irq, rx_irq, &g_uart));
  mmio_write32(g_uart.base + kIir, kIirClearFifos);  // no stale input from before boot
  mmio_write32(g_uart.base + kIer, kIerRx);
  hal::irq_unmask(irq);
  return klib::ok();
}

}  // namespace

FUSION_DRIVER(bcm2835_aux_uart, kernel::DriverStage::Console, probe, "brcm,bcm2835-aux-uart");
FUSION_DRIVER(bcm2835_aux_uart_irq, kernel::DriverStage::Device, probe_irq,
              "brcm,bcm2835-aux-uart");
