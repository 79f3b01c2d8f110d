// riscv64 kernel address space (Sv39, 39-bit VAs: the upper half starts at
// 0xffffffc000000000): direct map, MMIO window, kernel image.
#pragma once

#include <cstdint>

namespace hal {

// All RAM, physical address + kDirectMapBase (128 GiB of physical space).
inline constexpr std::uintptr_t kDirectMapBase = 0xffffffc000000000;
inline constexpr std::uintptr_t kDirectMapSize = 0x0000002000000000;
// map_mmio() hands out addresses from this window (bump allocation).
inline constexpr std::uintptr_t kMmioBase = 0xffffffe000000000;
inline constexpr std::uintptr_t kMmioSize = 0x0000000040000000;
// The kernel image is linked at kKernelBase + kKernelTextOffset (the RISC-V
// Image text_offset) and mapped to wherever the loader put it.
inline constexpr std::uintptr_t kKernelBase = 0xffffffff80000000;
inline constexpr std::uintptr_t kKernelTextOffset = 0x200000;

inline constexpr std::uintptr_t kPageSize = 4096;
// User space (the Sv39 lower half, satp per address space) covers [0, kUserTop).
inline constexpr std::uintptr_t kUserTop = 1ull << 38;
// Logical CPUs the arch code keeps per-CPU trap state for.
inline constexpr unsigned kMaxCpus = 8;

}  // namespace hal
