// Per-hart state owned by hal/riscv64, reached through gp (which always holds
// &hart_local[logical] in the kernel; the kernel is linked without
// __global_pointer$ and never relaxes to gp, so gp is free). tp is the
// running thread's thread pointer (application TLS, hal::Context::tp).
// sscratch is 0 while a hart runs kernel code and holds &HartLocal while it
// runs user code (the trap entry swaps it with the user's gp).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include <hal/arch/mmu_layout.hpp>

namespace hal::riscv {

struct HartLocal {
  std::uint64_t scratch0 = 0;  // trap entry spills t0/t1 here before it has a stack
  std::uint64_t scratch1 = 0;
  std::uint64_t emergency_sp = 0;  // top of this hart's stack-overflow stack
  void* kernel_local = nullptr;    // hal::cpu_local()
  std::uint64_t hartid = 0;
  std::uint64_t logical = 0;
  std::uint64_t boot_sp = 0;                  // stack the secondary entry switches to
  std::atomic<std::uint32_t> ipi_pending{0};  // bit n = hal::Ipi(n)
  std::uint32_t online = 0;
  // Kernel stack top of the thread that last returned to user mode on this
  // hart: where the trap entry builds the frame of a trap from user mode.
  std::uint64_t user_kernel_sp = 0;
};
// Offsets used by boot.S and trap_entry.S.
static_assert(offsetof(HartLocal, scratch0) == 0);
static_assert(offsetof(HartLocal, scratch1) == 8);
static_assert(offsetof(HartLocal, emergency_sp) == 16);
static_assert(offsetof(HartLocal, boot_sp) == 48);
static_assert(offsetof(HartLocal, user_kernel_sp) == 64);

extern HartLocal hart_local[kMaxCpus];

inline HartLocal* this_hart() {
  HartLocal* h;
  asm volatile("mv %0, gp" : "=r"(h));
  return h;
}

// Per-hart trap/interrupt setup (stvec, sscratch, sie, FP off), run by every
// hart before it enters the kernel proper.
void hart_init(unsigned logical, std::uint64_t hartid);

}  // namespace hal::riscv
