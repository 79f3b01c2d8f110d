// Goldfish real-time clock (QEMU riscv64 virt: "google,goldfish-rtc"): a
// 64-bit nanosecond count since the epoch, read once at boot to set the
// scheduler's wall clock. Reading TIME_LOW latches TIME_HIGH, so the low
// word is read first. Alarms are not used.
#include <hal/mmu.hpp>
#include <kernel/driver.hpp>
#include <klib/printk.hpp>
#include <sched/sched.hpp>

namespace {

constexpr std::size_t kTimeLow = 0x00, kTimeHigh = 0x04;

klib::Result<void> probe(dt::Node node) {
  const dt::Range r = TRY(dt::reg(node));
  auto* regs = static_cast<volatile std::uint32_t*>(TRY(hal::map_mmio(r.base, 0x1000)));
  const std::uint64_t low = regs[kTimeLow / 4];
  const std::uint64_t high = regs[kTimeHigh / 4];
  const std::uint64_t ns = high << 32 | low;
  sched::set_realtime_ns(ns);
  klib::printk("rtc: goldfish: %llu s since the epoch\n",
               static_cast<unsigned long long>(ns / 1'000'000'000ull));
  return klib::ok();
}

}  // namespace

FUSION_DRIVER(goldfish_rtc, kernel::DriverStage::Device, probe, "google,goldfish-rtc");
