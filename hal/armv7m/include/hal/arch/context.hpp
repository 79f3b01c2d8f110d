// ARMv7-M kernel thread context: the AAPCS callee-saved registers r4-r11,
// sp (the process stack pointer: threads run in Thread mode on PSP) and the
// return address, plus the application thread pointer. The Cortex-M3 has
// no FPU, so FpState is empty and never saved. vectors.S depends on the
// field order.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hal {

struct FpState {};

struct Context {
  std::uint32_t r4_r11[8];
  std::uint32_t sp;
  std::uint32_t lr;             // where context_switch returns to (Thumb bit set)
  std::uint32_t tp = 0;         // __aeabi_read_tp's value for this thread; 0 for kernel threads
  FpState* fp_state = nullptr;  // kept for the contract; nothing to save without an FPU
  // MPU region 2 while this thread runs (context_set_stack_guard): the
  // RBAR and RASR values, RASR 0 = no guard (the boot thread).
  std::uint32_t guard_rbar = 0;
  std::uint32_t guard_rasr = 0;
};

static_assert(offsetof(Context, sp) == 32 && offsetof(Context, lr) == 36 &&
              offsetof(Context, tp) == 40 && offsetof(Context, guard_rbar) == 48 &&
              offsetof(Context, guard_rasr) == 52);

}  // namespace hal
