// riscv64 kernel thread context: what context_switch saves (the callee-saved
// registers of the LP64 ABI), plus the state of threads that run application
// code: the thread pointer (tp) and, for FP users, the FP register file.
// Offsets are used by hal/riscv64/context.S.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hal {

// f0-f31 and fcsr. Saved only when sstatus.FS says Dirty.
struct alignas(16) FpState {
  std::uint64_t f[32];
  std::uint64_t fcsr;
};
static_assert(sizeof(FpState) == 272 && offsetof(FpState, fcsr) == 256);

struct Context {
  std::uint64_t ra;             // 0: where context_switch returns to
  std::uint64_t sp;             // 8
  std::uint64_t s[12];          // 16..104: s0 (frame pointer) .. s11
  std::uint64_t tp = 0;         // 112: thread pointer (TLS); 0 for kernel threads
  FpState* fp_state = nullptr;  // 120: nullptr: no FP, sstatus.FS Off while it runs
  // 128: satp (Sv39 | ASID | user root) installed when switching to this
  // thread; 0: the kernel root (hal/user.hpp context_attach_user).
  std::uint64_t user_satp = 0;
  std::uint64_t reserved = 0;  // keeps the struct a multiple of 16 bytes
};
static_assert(sizeof(Context) == 18 * 8);
static_assert(offsetof(Context, tp) == 112 && offsetof(Context, fp_state) == 120);
static_assert(offsetof(Context, user_satp) == 128);

}  // namespace hal
