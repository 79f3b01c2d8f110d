// System register access and barriers for hal/aarch64 code.
#pragma once

#include <cstdint>

#define HAL_READ_SYSREG(reg)                      \
  ({                                              \
    std::uint64_t _hal_v;                         \
    asm volatile("mrs %0, " #reg : "=r"(_hal_v)); \
    _hal_v;                                       \
  })
#define HAL_WRITE_SYSREG(reg, val) \
  asm volatile("msr " #reg ", %0" ::"r"(static_cast<std::uint64_t>(val)) : "memory")

namespace hal::arch {

inline void isb() { asm volatile("isb" ::: "memory"); }
inline void dsb_sy() { asm volatile("dsb sy" ::: "memory"); }
inline void dsb_ish() { asm volatile("dsb ish" ::: "memory"); }
inline void dsb_ishst() { asm volatile("dsb ishst" ::: "memory"); }

// MMIO accessors: volatile single accesses, so the compiler neither merges
// nor splits them (Device memory needs natural-size accesses).
inline std::uint32_t mmio_read32(std::uintptr_t a) {
  return *reinterpret_cast<volatile std::uint32_t*>(a);
}
inline void mmio_write32(std::uintptr_t a, std::uint32_t v) {
  *reinterpret_cast<volatile std::uint32_t*>(a) = v;
}
inline std::uint64_t mmio_read64(std::uintptr_t a) {
  return *reinterpret_cast<volatile std::uint64_t*>(a);
}
inline void mmio_write64(std::uintptr_t a, std::uint64_t v) {
  *reinterpret_cast<volatile std::uint64_t*>(a) = v;
}
inline void mmio_write8(std::uintptr_t a, std::uint8_t v) {
  *reinterpret_cast<volatile std::uint8_t*>(a) = v;
}

}  // namespace hal::arch
