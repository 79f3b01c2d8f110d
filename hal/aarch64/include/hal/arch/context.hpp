// aarch64 kernel thread context: the AAPCS64 callee-saved registers and sp,
// plus the per-thread state of threads that run application code: the
// thread pointer (TPIDR_EL0) and, for FP users, the FP/SIMD register file.
// context.S depends on the field order.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hal {

// q0-q31, fpsr, fpcr. CPACR_EL1.FPEN is on for every CPU; the kernel itself
// is built -mgeneral-regs-only, so only application threads touch these.
struct alignas(16) FpState {
  unsigned __int128 q[32];
  std::uint64_t fpsr;
  std::uint64_t fpcr;
};
static_assert(sizeof(FpState) == 528);

struct Context {
  std::uint64_t x19_x28[10];
  std::uint64_t fp;  // x29
  std::uint64_t lr;  // x30: where context_switch returns to
  std::uint64_t sp;
  std::uint64_t tpidr_el0 = 0;  // the thread pointer (TLS); 0 for kernel threads
  FpState* fp_state = nullptr;  // saved/loaded on every switch; nullptr: no FP use
  // TTBR0_EL1 (user table | ASID << 48) installed when switching to this
  // thread; 0: the kernel-only lower half (hal/user.hpp context_attach_user).
  std::uint64_t user_root = 0;
};

static_assert(sizeof(Context) == 16 * 8);
static_assert(offsetof(Context, tpidr_el0) == 104);
static_assert(offsetof(Context, fp_state) == 112);
static_assert(offsetof(Context, user_root) == 120);

}  // namespace hal
