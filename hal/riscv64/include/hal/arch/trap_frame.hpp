// riscv64 trap frame, built by the stvec entry (hal/riscv64/trap_entry.S) on
// the interrupted kernel stack: x1..x31 at x[n] (offset 8 * n; x[0] is unused
// padding) then the trap CSRs. 288 bytes keeps sp 16-byte aligned.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hal {

struct TrapFrame {
  std::uint64_t x[32];  // x[1] = ra, x[2] = sp (before the trap), x[8] = s0/fp
  std::uint64_t sepc;
  std::uint64_t sstatus;
  std::uint64_t scause;
  std::uint64_t stval;
};
static_assert(sizeof(TrapFrame) == 288);
static_assert(offsetof(TrapFrame, sepc) == 256);

}  // namespace hal
