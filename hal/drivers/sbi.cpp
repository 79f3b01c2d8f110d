// SBI firmware report. SBI has no devicetree node and hal/riscv64 already
// probed it before kernel_main (the timer, IPIs and HSM need it early); this
// Platform-stage driver, bound once through the "riscv" cpu nodes every
// RISC-V devicetree has, prints what the firmware offers.
#include <hal/arch/sbi.hpp>
#include <kernel/driver.hpp>
#include <klib/printk.hpp>

namespace {

bool reported;

const char* impl_name(unsigned long id) {
  static const char* const kNames[] = {"BBL",     "OpenSBI", "Xvisor", "KVM",
                                       "RustSBI", "Diosix",  "Coffer"};
  return id < sizeof(kNames) / sizeof(kNames[0]) ? kNames[id] : "unknown";
}

klib::Result<void> probe(dt::Node) {
  if (reported) return klib::ok();
  reported = true;
  const hal::sbi::Info& i = hal::sbi::info;
  if (!i.spec_version) {
    klib::printk("sbi: legacy (v0.1) firmware\n");
    return klib::ok();
  }
  klib::printk("sbi: spec v%lu.%lu, %s v%lu.%lu, extensions:%s%s%s%s%s\n", i.spec_version >> 24,
               i.spec_version & 0xffffff, impl_name(i.impl_id), i.impl_version >> 16,
               i.impl_version & 0xffff, i.time ? " TIME" : "", i.ipi ? " IPI" : "",
               i.rfence ? " RFENCE" : "", i.hsm ? " HSM" : "", i.srst ? " SRST" : "");
  return klib::ok();
}

}  // namespace

FUSION_DRIVER(sbi, kernel::DriverStage::Platform, probe, "riscv");
