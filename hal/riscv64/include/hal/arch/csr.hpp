// riscv64 supervisor CSR access and bit names used across hal/riscv64 and the
// riscv drivers.
#pragma once

#include <cstdint>

#define FUSION_CSR_READ(name)                             \
  ({                                                      \
    std::uint64_t _v;                                     \
    asm volatile("csrr %0, " #name : "=r"(_v)::"memory"); \
    _v;                                                   \
  })
#define FUSION_CSR_WRITE(name, v) \
  asm volatile("csrw " #name ", %0" ::"r"(std::uint64_t(v)) : "memory")
#define FUSION_CSR_SET(name, v) \
  asm volatile("csrs " #name ", %0" ::"r"(std::uint64_t(v)) : "memory")
#define FUSION_CSR_CLEAR(name, v) \
  asm volatile("csrc " #name ", %0" ::"r"(std::uint64_t(v)) : "memory")

namespace hal::riscv {

inline constexpr std::uint64_t kSstatusSie = 1ull << 1;
inline constexpr std::uint64_t kSstatusSpie = 1ull << 5;
inline constexpr std::uint64_t kSstatusSpp = 1ull << 8;
inline constexpr std::uint64_t kSstatusFs = 3ull << 13;
inline constexpr std::uint64_t kSstatusSum = 1ull << 18;

// sie / sip bits (interrupt numbers 1, 5, 9).
inline constexpr std::uint64_t kIrqSoft = 1ull << 1;
inline constexpr std::uint64_t kIrqTimer = 1ull << 5;
inline constexpr std::uint64_t kIrqExternal = 1ull << 9;

inline constexpr std::uint64_t kScauseInterrupt = 1ull << 63;

inline std::uint64_t read_time() {
  std::uint64_t t;
  asm volatile("rdtime %0" : "=r"(t));
  return t;
}

inline void sfence_vma_all() { asm volatile("sfence.vma" ::: "memory"); }
inline void sfence_vma(std::uintptr_t va) { asm volatile("sfence.vma %0" ::"r"(va) : "memory"); }

}  // namespace hal::riscv
