// Binds drivers to devicetree nodes by compatible string, stage by stage.
#include <kernel/driver.hpp>
#include <klib/printk.hpp>

extern "C" const kernel::DriverDescriptor __fusion_drivers_start[];
extern "C" const kernel::DriverDescriptor __fusion_drivers_end[];

namespace kernel {
namespace {

// A node listing two of a driver's compatibles ("sifive,plic-1.0.0",
// "riscv,plic0") must be probed once: only for the first one it matches.
bool matched_earlier(const DriverDescriptor* d, const char* const* compat, dt::Node n) {
  for (const char* const* earlier = d->compatibles; earlier != compat; ++earlier)
    if (dt::is_compatible(n, *earlier)) return true;
  return false;
}

}  // namespace

int probe_drivers(DriverStage stage) {
  int bound = 0;
  for (const DriverDescriptor* d = __fusion_drivers_start; d < __fusion_drivers_end; ++d) {
    if (d->stage != stage) continue;
    for (const char* const* compat = d->compatibles; *compat; ++compat) {
      for (dt::Node n = dt::first_compatible(*compat); n.valid();
           n = dt::next_compatible(n, *compat)) {
        if (matched_earlier(d, compat, n)) continue;
        auto r = d->probe(n);
        if (r.ok()) {
          ++bound;
        } else {
          klib::printk("driver %s: %s: probe failed: %s\n", d->name, dt::name(n),
                       klib::error_name(r.error()));
        }
      }
    }
  }
  return bound;
}

}  // namespace kernel
