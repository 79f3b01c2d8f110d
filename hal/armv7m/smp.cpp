// hal/smp.hpp on a single-core Cortex-M: there is no second CPU to start.
#include <hal/smp.hpp>

namespace hal {

bool cpu_node_usable(dt::Node) { return true; }  // the one CPU runs the kernel

klib::Result<void> cpu_start(unsigned, std::uint64_t, std::uintptr_t) {
  return klib::Err(klib::Error::NODEV);
}

void cpu_park(dt::Node) {}  // there is no other CPU to park

std::uint64_t cpu_hwid() { return 0; }

void secondary_cpu_init() {}

}  // namespace hal
