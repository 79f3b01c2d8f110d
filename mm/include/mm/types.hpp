// Basic physical-memory vocabulary shared by every part of mm/ and its users.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mm {

// Physical addresses are 64-bit even on 32-bit CPUs (LPAE, RV32 Sv32 with
// 34-bit physical space), so they never share a type with pointers.
using PhysAddr = std::uint64_t;

inline constexpr std::size_t kPageSize = 4096;
inline constexpr unsigned kPageShift = 12;
static_assert(kPageSize == (std::size_t{1} << kPageShift));

constexpr PhysAddr page_align_down(PhysAddr a) { return a & ~PhysAddr{kPageSize - 1}; }
constexpr PhysAddr page_align_up(PhysAddr a) { return page_align_down(a + kPageSize - 1); }
constexpr bool is_page_aligned(PhysAddr a) { return (a & (kPageSize - 1)) == 0; }

}  // namespace mm
