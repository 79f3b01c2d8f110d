// aarch64 kernel virtual memory layout: 39-bit VAs (3-level tables, 4 KiB
// granule), TTBR1 holds the kernel half 0xffffff80'00000000..ffffffff'ffffffff.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hal {

inline constexpr unsigned kVaBits = 39;
inline constexpr std::size_t kPageSize = 4096;

// Physical RAM at pa appears at kDirectMapBase + pa (first 256 GiB of the half).
inline constexpr std::uintptr_t kDirectMapBase = 0xffffff8000000000ull;
inline constexpr std::uint64_t kDirectMapSize = 256ull << 30;
// Device registers are mapped on demand into this window (map_mmio).
inline constexpr std::uintptr_t kMmioBase = 0xffffffc000000000ull;
inline constexpr std::uint64_t kMmioSize = 1ull << 30;
// The kernel image is linked here (last 2 GiB; kernel.ld uses the same value).
inline constexpr std::uintptr_t kKernelBase = 0xffffffff80000000ull;

// User space (TTBR0) covers [0, kUserTop).
inline constexpr std::uintptr_t kUserTop = 1ull << kVaBits;

}  // namespace hal
