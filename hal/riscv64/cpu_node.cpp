// hal::cpu_node_usable: a hart runs this kernel only if it has an MMU, which
// the devicetree says with mmu-type (riscv,sv39/sv48/...). Monitor cores such
// as the FU540's E51 (rv64imac, M-mode only) have none and stay with the
// firmware. The ISA string cannot tell: bindings list no 's' letter even for
// harts with S-mode, and no MMU without S-mode exists.
#include <hal/smp.hpp>

namespace hal {

bool cpu_node_usable(dt::Node cpu) {
  const char* mmu = dt::prop_string(cpu, "mmu-type");
  return mmu && __builtin_strcmp(mmu, "riscv,none") != 0;
}

}  // namespace hal
