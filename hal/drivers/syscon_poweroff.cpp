// syscon-poweroff: power off by writing `value` (under `mask`) at `offset` in
// the syscon its `regmap` phandle names. Ranked below sifive,test, which can
// also carry a failure status.
#include <hal/arch/riscv.hpp>
#include <hal/mmu.hpp>
#include <kernel/driver.hpp>

namespace {

volatile std::uint32_t* reg;
std::uint32_t value, mask;

void power_off(int) { *reg = (*reg & ~mask) | (value & mask); }

klib::Result<void> probe(dt::Node node) {
  if (reg) return klib::ok();
  const dt::Node syscon = dt::by_phandle(TRY(dt::prop_u32(node, "regmap")));
  if (!syscon.valid()) return klib::Err(klib::Error::NODEV);
  const dt::Range r = TRY(dt::reg(syscon));
  const std::uint32_t offset = dt::prop_u32(node, "offset").value_or(0);
  value = TRY(dt::prop_u32(node, "value"));
  mask = dt::prop_u32(node, "mask").value_or(0xffffffff);
  if (offset + 4 > r.size) return klib::Err(klib::Error::INVAL);
  reg = static_cast<volatile std::uint32_t*>(TRY(hal::map_mmio(r.base + offset, 4)));
  hal::riscv::register_poweroff(1, power_off);
  return klib::ok();
}

}  // namespace

FUSION_DRIVER(syscon_poweroff, kernel::DriverStage::Platform, probe, "syscon-poweroff");
