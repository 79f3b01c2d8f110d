// hal::cpu_node_usable: every Armv8-A core has EL1 and an MMU, so any enabled
// cpu node can run the kernel; PSCI reports the ones firmware keeps.
#include <hal/smp.hpp>

namespace hal {

bool cpu_node_usable(dt::Node) { return true; }

}  // namespace hal
