// hal::cpu_park on riscv64: a hart the kernel does not start stays in SBI
// HSM's STOPPED state (OpenSBI holds it in wfi), which is already quiet.
#include <hal/smp.hpp>

namespace hal {

void cpu_park(dt::Node) {}

}  // namespace hal
