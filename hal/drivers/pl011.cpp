// Arm PL011 UART ("arm,pl011"): polled output for the console, receive
// interrupt feeding console::input_from_irq. Output is bound at the Console
// stage; the interrupt is attached by a second, Device-stage descriptor
// because the GIC is only probed after the console.
#include <hal/arch/sysreg.hpp>
#include <hal/irq.hpp>
#include <hal/mmu.hpp>
#include <kernel/console.hpp>
#include <kernel/driver.hpp>

namespace {

using hal::arch::mmio_read32;
using hal::arch::mmio_write32;

constexpr std::uintptr_t kDr = 0x00;
constexpr std::uintptr_t kFr = 0x18;
constexpr std::uintptr_t kLcrH = 0x2c;
constexpr std::uintptr_t kCr = 0x30;
constexpr std::uintptr_t kImsc = 0x38;
constexpr std::uintptr_t kIcr = 0x44;

constexpr std::uint32_t kFrTxFull = 1 << 5;
constexpr std::uint32_t kFrRxEmpty = 1 << 4;
constexpr std::uint32_t kFrBusy = 1 << 3;
constexpr std::uint32_t kLcrFifoEnable = 1 << 4;
constexpr std::uint32_t kLcrWord8 = 3 << 5;
constexpr std::uint32_t kCrEnable = (1 << 0) | (1 << 8) | (1 << 9);  // UARTEN, TXE, RXE
constexpr std::uint32_t kIntRx = 1 << 4;
constexpr std::uint32_t kIntRxTimeout = 1 << 6;

constexpr int kMaxUarts = 4;

struct Uart {
  std::uintptr_t base;
  int node_offset;
};

Uart g_uarts[kMaxUarts];
int g_count;

void put_char(void* ctx, char c) {
  const auto* u = static_cast<const Uart*>(ctx);
  while (mmio_read32(u->base + kFr) & kFrTxFull) {
  }
  mmio_write32(u->base + kDr, static_cast<unsigned char>(c));
}

void rx_irq(void* ctx) {
  const auto* u = static_cast<const Uart*>(ctx);
  while (!(mmio_read32(u->base + kFr) & kFrRxEmpty))
    console::input_from_irq(static_cast<char>(mmio_read32(u->base + kDr) & 0xff));
  mmio_write32(u->base + kIcr, kIntRx | kIntRxTimeout);
}

klib::Result<void> pl011_probe(dt::Node node) {
  if (g_count == kMaxUarts) return klib::Err(klib::Error::NOSPC);
  const dt::Range reg = TRY(dt::reg(node));
  void* regs = TRY(hal::map_mmio(reg.base, reg.size));
  Uart& u = g_uarts[g_count++];
  u = {reinterpret_cast<std::uintptr_t>(regs), node.offset};
  // Keep the firmware's baud rate (QEMU ignores it, real boards set it up);
  // 8N1 with FIFOs, interrupts off until the GIC is there.
  while (mmio_read32(u.base + kFr) & kFrBusy) {
  }
  mmio_write32(u.base + kCr, 0);  // LCR_H may only change while disabled
  mmio_write32(u.base + kImsc, 0);
  mmio_write32(u.base + kLcrH, kLcrWord8 | kLcrFifoEnable);
  mmio_write32(u.base + kCr, kCrEnable);
  console::register_device({"pl011", put_char, &u}, node.offset);
  return klib::ok();
}

klib::Result<void> pl011_irq_probe(dt::Node node) {
  for (int i = 0; i < g_count; ++i) {
    Uart& u = g_uarts[i];
    if (u.node_offset != node.offset) continue;
    const unsigned intid = TRY(dt::irq(node));
    TRY(hal::irq_attach(intid, rx_irq, &u));
    mmio_write32(u.base + kIcr, 0x7ff);
    mmio_write32(u.base + kImsc, kIntRx | kIntRxTimeout);
    hal::irq_unmask(intid);
    return klib::ok();
  }
  return klib::Err(klib::Error::NODEV);
}

}  // namespace

FUSION_DRIVER(pl011, kernel::DriverStage::Console, pl011_probe, "arm,pl011");
FUSION_DRIVER(pl011_irq, kernel::DriverStage::Device, pl011_irq_probe, "arm,pl011");
