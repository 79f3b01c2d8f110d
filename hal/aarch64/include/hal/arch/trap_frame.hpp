// aarch64 trap frame, built on the kernel stack by vectors.S for every
// exception; vectors.S depends on the field offsets checked below.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hal {

struct TrapFrame {
  std::uint64_t x[31];  // x0..x30 (x29 = fp, x30 = lr)
  std::uint64_t sp;     // sp at the time of the exception
  std::uint64_t elr;    // pc of the interrupted instruction
  std::uint64_t spsr;
  std::uint64_t esr;
  std::uint64_t far;
};

static_assert(sizeof(TrapFrame) == 36 * 8 && sizeof(TrapFrame) % 16 == 0);
static_assert(offsetof(TrapFrame, sp) == 248 && offsetof(TrapFrame, elr) == 256);
static_assert(offsetof(TrapFrame, esr) == 272 && offsetof(TrapFrame, far) == 280);

}  // namespace hal
