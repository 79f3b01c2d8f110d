// Arm CMSDK APB timer ("arm,cmsdk-timer"): 32-bit down-counters with an
// interrupt at zero. Two are used: the first node bound runs free from
// 0xffffffff as the clock (its wrap interrupt extends it to 64 bits), the
// second is the one-shot deadline timer for kernel::on_timer_interrupt.
#include <hal/arch/armv7m.hpp>
#include <hal/cpu.hpp>
#include <hal/irq.hpp>
#include <hal/mmu.hpp>
#include <hal/upcalls.hpp>
#include <kernel/driver.hpp>

namespace {

using hal::arch::mmio_read32;
using hal::arch::mmio_write32;

constexpr std::uintptr_t kCtrl = 0x00;
constexpr std::uintptr_t kValue = 0x04;
constexpr std::uintptr_t kReload = 0x08;
constexpr std::uintptr_t kIntStatus = 0x0c;  // write 1 to clear

constexpr std::uint32_t kCtrlEnable = 1 << 0;
constexpr std::uint32_t kCtrlIrqEnable = 1 << 3;

std::uintptr_t g_clock;  // free-running counter
std::uintptr_t g_event;  // one-shot
std::uint32_t g_wraps;   // times g_clock passed zero (counted in its interrupt)
hal::arch::TimerOps g_ops;

// Wraps the interrupt has not counted yet show as a pending status bit.
std::uint64_t ticks() {
  const hal::IrqFlags flags = hal::irq_save();
  std::uint32_t wraps = g_wraps;
  std::uint32_t value = mmio_read32(g_clock + kValue);
  if (mmio_read32(g_clock + kIntStatus) & 1) {
    value = mmio_read32(g_clock + kValue);  // surely after the wrap now
    ++wraps;
  }
  hal::irq_restore(flags);
  return (std::uint64_t{wraps} << 32) | (0xffffffffu - value);
}

void clock_irq(void*) {
  mmio_write32(g_clock + kIntStatus, 1);
  ++g_wraps;
}

void cancel() {
  mmio_write32(g_event + kCtrl, 0);
  mmio_write32(g_event + kIntStatus, 1);
}

// Longer waits than 2^32 ticks (~171 s at 25 MHz) fire early; the kernel
// re-arms from on_timer_interrupt.
void set_oneshot(std::uint64_t deadline) {
  const std::uint64_t now = ticks();
  std::uint64_t delta = deadline > now ? deadline - now : 1;
  if (delta > 0xffffffffu) delta = 0xffffffffu;
  mmio_write32(g_event + kCtrl, 0);
  mmio_write32(g_event + kIntStatus, 1);
  mmio_write32(g_event + kValue, static_cast<std::uint32_t>(delta));
  mmio_write32(g_event + kCtrl, kCtrlEnable | kCtrlIrqEnable);
}

void event_irq(void*) {
  cancel();
  kernel::on_timer_interrupt();
}

std::uint32_t input_clock_hz(dt::Node node) {
  if (auto ph = dt::prop_u32(node, "clocks"); ph.ok()) {
    if (auto f = dt::prop_u32(dt::by_phandle(*ph), "clock-frequency"); f.ok()) return *f;
  }
  auto f = dt::prop_u32(node, "clock-frequency");
  return f.ok() ? *f : 0;
}

klib::Result<void> cmsdk_timer_probe(dt::Node node) {
  if (g_event) return klib::Err(klib::Error::BUSY);  // both roles taken
  const dt::Range reg = TRY(dt::reg(node));
  const auto base = reinterpret_cast<std::uintptr_t>(TRY(hal::map_mmio(reg.base, reg.size)));
  const unsigned irq = TRY(dt::irq(node, 0));
  const std::uint32_t hz = input_clock_hz(node);
  if (hz == 0) return klib::Err(klib::Error::INVAL);
  mmio_write32(base + kCtrl, 0);
  mmio_write32(base + kIntStatus, 1);
  if (!g_clock) {
    TRY(hal::irq_attach(irq, clock_irq, nullptr));
    g_clock = base;
    g_ops.frequency_hz = hz;
    mmio_write32(base + kReload, 0xffffffffu);
    mmio_write32(base + kValue, 0xffffffffu);
    mmio_write32(base + kCtrl, kCtrlEnable | kCtrlIrqEnable);
    hal::irq_unmask(irq);
    return klib::ok();
  }
  if (hz != g_ops.frequency_hz) return klib::Err(klib::Error::INVAL);  // one time base
  TRY(hal::irq_attach(irq, event_irq, nullptr));
  g_event = base;
  mmio_write32(base + kReload, 0xffffffffu);
  g_ops.ticks = ticks;
  g_ops.set_oneshot = set_oneshot;
  g_ops.cancel = cancel;
  hal::arch::timer_register(&g_ops);
  hal::irq_unmask(irq);
  return klib::ok();
}

}  // namespace

FUSION_DRIVER(cmsdk_timer, kernel::DriverStage::Timer, cmsdk_timer_probe, "arm,cmsdk-timer");
