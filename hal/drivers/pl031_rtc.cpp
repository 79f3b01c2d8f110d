// Arm PrimeCell PL031 real-time clock (QEMU virt: "arm,pl031"): its data
// register counts seconds since the epoch, read once at boot to set the
// scheduler's wall clock. Alarms and writes are not used.
#include <hal/mmu.hpp>
#include <kernel/driver.hpp>
#include <klib/printk.hpp>
#include <sched/sched.hpp>

namespace {

constexpr std::size_t kDataRegister = 0x00;  // RTCDR: seconds, read-only

klib::Result<void> probe(dt::Node node) {
  const dt::Range r = TRY(dt::reg(node));
  auto* regs = static_cast<volatile std::uint32_t*>(TRY(hal::map_mmio(r.base, 0x1000)));
  const std::uint64_t seconds = regs[kDataRegister / 4];
  sched::set_realtime_ns(seconds * 1'000'000'000ull);
  klib::printk("rtc: pl031: %llu s since the epoch\n", static_cast<unsigned long long>(seconds));
  return klib::ok();
}

}  // namespace

FUSION_DRIVER(pl031_rtc, kernel::DriverStage::Device, probe, "arm,pl031");
