// Sv39 page-table primitives shared by the early boot mapper (MMU off, running
// at the physical load address) and the runtime mmu code. Everything here is
// position independent: a Mapper says how to turn a table's physical address
// into a pointer in the current mode.
#pragma once

#include <cstdint>

namespace hal::riscv::pt {

inline constexpr std::uint64_t kV = 1 << 0;
inline constexpr std::uint64_t kR = 1 << 1;
inline constexpr std::uint64_t kW = 1 << 2;
inline constexpr std::uint64_t kX = 1 << 3;
inline constexpr std::uint64_t kG = 1 << 5;
inline constexpr std::uint64_t kA = 1 << 6;
inline constexpr std::uint64_t kD = 1 << 7;
// An invalid PTE with both RSW bits set marks a guard page (hardware ignores
// every bit of a PTE with V = 0, so software may tag it).
inline constexpr std::uint64_t kGuardMarker = 3 << 8;

inline constexpr std::uint64_t kKernelRW = kV | kR | kW | kG | kA | kD;
inline constexpr std::uint64_t kKernelRX = kV | kR | kX | kG | kA;
inline constexpr std::uint64_t kKernelRO = kV | kR | kG | kA;

inline constexpr std::uint64_t kSatpSv39 = 8ull << 60;

struct Mapper {
  std::uint64_t sym_to_pa;  // subtract from a kernel symbol's address to get its PA
  std::uint64_t pa_to_ptr;  // add to a PA to get a dereferenceable pointer
};

constexpr std::uint64_t level_size(int level) { return 4096ull << (9 * level); }
constexpr bool is_leaf(std::uint64_t pte) { return (pte & kV) && (pte & (kR | kW | kX)); }
constexpr std::uint64_t pte_pa(std::uint64_t pte) { return (pte >> 10) << 12; }

// The PTE mapping `va` at `level` (creating/splitting tables when `alloc`);
// with alloc = false stops at the first leaf or invalid entry and reports its
// level. nullptr when a table could not be allocated.
std::uint64_t* walk(const Mapper& m, std::uint64_t root_pa, std::uintptr_t va, int level,
                    bool alloc, int* found_level);

// Maps [va, va + size) to pa with `flags`, using 1 GiB / 2 MiB leaves where
// alignment allows and `large` is set. Already identical mappings are kept.
bool map_range(const Mapper& m, std::uint64_t root_pa, std::uintptr_t va, std::uint64_t pa,
               std::uint64_t size, std::uint64_t flags, bool large);

// A zeroed 4 KiB table from the static pool (its PA), or 0 when exhausted.
std::uint64_t alloc_table(const Mapper& m);
unsigned tables_used();

}  // namespace hal::riscv::pt
