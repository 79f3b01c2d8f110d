// Arm CMSDK APB UART ("arm,cmsdk-uart", MPS2 boards): polled output for the
// console, receive interrupt (the first "interrupts" entry) feeding
// console::input_from_irq. As with the PL011, the interrupt is attached by
// a Device-stage descriptor because the NVIC is probed after the console.
#include <hal/arch/armv7m.hpp>
#include <hal/irq.hpp>
#include <hal/mmu.hpp>
#include <kernel/console.hpp>
#include <kernel/driver.hpp>

namespace {

using hal::arch::mmio_read32;
using hal::arch::mmio_write32;

constexpr std::uintptr_t kData = 0x00;
constexpr std::uintptr_t kState = 0x04;
constexpr std::uintptr_t kCtrl = 0x08;
constexpr std::uintptr_t kIntStatus = 0x0c;  // write 1 to clear
constexpr std::uintptr_t kBaudDiv = 0x10;

constexpr std::uint32_t kStateTxFull = 1 << 0;
constexpr std::uint32_t kStateRxFull = 1 << 1;
constexpr std::uint32_t kCtrlTxEn = 1 << 0;
constexpr std::uint32_t kCtrlRxEn = 1 << 1;
constexpr std::uint32_t kCtrlRxIntEn = 1 << 3;
constexpr std::uint32_t kIntRx = 1 << 1;

constexpr std::uint32_t kDefaultBaud = 115200;
constexpr std::uint32_t kMinBaudDiv = 16;  // the UART does not transmit below this

constexpr int kMaxUarts = 2;

struct Uart {
  std::uintptr_t base;
  int node_offset;
};

Uart g_uarts[kMaxUarts];
int g_count;

void put_char(void* ctx, char c) {
  const auto* u = static_cast<const Uart*>(ctx);
  while (mmio_read32(u->base + kState) & kStateTxFull) {
  }
  mmio_write32(u->base + kData, static_cast<unsigned char>(c));
}

void rx_irq(void* ctx) {
  const auto* u = static_cast<const Uart*>(ctx);
  mmio_write32(u->base + kIntStatus, kIntRx);
  while (mmio_read32(u->base + kState) & kStateRxFull)
    console::input_from_irq(static_cast<char>(mmio_read32(u->base + kData) & 0xff));
}

// Input clock: the node's clocks phandle (a fixed-clock) or clock-frequency.
std::uint32_t input_clock_hz(dt::Node node) {
  if (auto ph = dt::prop_u32(node, "clocks"); ph.ok()) {
    if (auto f = dt::prop_u32(dt::by_phandle(*ph), "clock-frequency"); f.ok()) return *f;
  }
  auto f = dt::prop_u32(node, "clock-frequency");
  return f.ok() ? *f : 0;
}

klib::Result<void> cmsdk_uart_probe(dt::Node node) {
  if (g_count == kMaxUarts) return klib::Err(klib::Error::NOSPC);
  const dt::Range reg = TRY(dt::reg(node));
  void* regs = TRY(hal::map_mmio(reg.base, reg.size));
  const std::uint32_t clock = input_clock_hz(node);
  if (clock == 0) return klib::Err(klib::Error::INVAL);
  auto baud = dt::prop_u32(node, "current-speed");
  std::uint32_t div = clock / (baud.ok() && *baud ? *baud : kDefaultBaud);
  if (div < kMinBaudDiv) div = kMinBaudDiv;
  Uart& u = g_uarts[g_count++];
  u = {reinterpret_cast<std::uintptr_t>(regs), node.offset};
  mmio_write32(u.base + kCtrl, 0);
  mmio_write32(u.base + kBaudDiv, div);
  mmio_write32(u.base + kIntStatus, 0xf);
  mmio_write32(u.base + kCtrl, kCtrlTxEn | kCtrlRxEn);
  console::register_device({"cmsdk-uart", put_char, &u}, node.offset);
  return klib::ok();
}

klib::Result<void> cmsdk_uart_irq_probe(dt::Node node) {
  for (int i = 0; i < g_count; ++i) {
    Uart& u = g_uarts[i];
    if (u.node_offset != node.offset) continue;
    const unsigned irq = TRY(dt::irq(node, 0));  // RX; TX and overflow unused
    TRY(hal::irq_attach(irq, rx_irq, &u));
    mmio_write32(u.base + kIntStatus, kIntRx);
    mmio_write32(u.base + kCtrl, kCtrlTxEn | kCtrlRxEn | kCtrlRxIntEn);
    hal::irq_unmask(irq);
    return klib::ok();
  }
  return klib::Err(klib::Error::NODEV);
}

}  // namespace

FUSION_DRIVER(cmsdk_uart, kernel::DriverStage::Console, cmsdk_uart_probe, "arm,cmsdk-uart");
FUSION_DRIVER(cmsdk_uart_irq, kernel::DriverStage::Device, cmsdk_uart_irq_probe, "arm,cmsdk-uart");
