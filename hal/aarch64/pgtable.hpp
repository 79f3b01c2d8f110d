// Stage-1 translation tables for the kernel half (4 KiB granule, 39-bit VA,
// levels 1-3). Shared by the MMU-off boot code and the runtime mappers, so it
// only uses PC-relative references: `early` says the MMU is still off and a
// table's physical address is directly usable as a pointer.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hal::arch::pt {

inline constexpr std::uint64_t kValid = 1ull << 0;
inline constexpr std::uint64_t kTableOrPage = 1ull << 1;  // table (L1/L2), page (L3)
inline constexpr std::uint64_t kAttrDevice = 0ull << 2;   // MAIR index 0
inline constexpr std::uint64_t kAttrNormal = 1ull << 2;   // MAIR index 1
inline constexpr std::uint64_t kApReadOnly = 1ull << 7;
inline constexpr std::uint64_t kShInner = 3ull << 8;
inline constexpr std::uint64_t kAccessed = 1ull << 10;
inline constexpr std::uint64_t kPxn = 1ull << 53;
inline constexpr std::uint64_t kUxn = 1ull << 54;
inline constexpr std::uint64_t kAddrMask = 0x0000fffffffff000ull;

// MAIR_EL1: 0 Device-nGnRE, 1 Normal WB RA/WA, 2 Normal non-cacheable.
inline constexpr std::uint64_t kMair = 0x04ull | (0xffull << 8) | (0x44ull << 16);

// Leaf attributes (without the type bits) for each kind of kernel mapping.
inline constexpr std::uint64_t kKernelText =
    kAttrNormal | kShInner | kAccessed | kApReadOnly | kUxn;
inline constexpr std::uint64_t kKernelRo =
    kAttrNormal | kShInner | kAccessed | kApReadOnly | kUxn | kPxn;
inline constexpr std::uint64_t kKernelRw = kAttrNormal | kShInner | kAccessed | kUxn | kPxn;
inline constexpr std::uint64_t kDevice = kAttrDevice | kAccessed | kUxn | kPxn;

inline constexpr std::uint64_t kBlockSize = 2ull << 20;  // level-2 block

// Maps [va, va+size) to pa with `attrs`, using 2 MiB blocks where both sides
// are aligned and `blocks` allows; splits a block that is only partly
// remapped. Returns false when the table pool is exhausted.
bool map(std::uint64_t root_pa, std::uint64_t va, std::uint64_t pa, std::uint64_t size,
         std::uint64_t attrs, bool blocks, bool early);

// Clears the level-3 entry for `va` (splitting a block first); TLB
// maintenance is the caller's job. Returns false if va was not mapped.
bool unmap_page(std::uint64_t root_pa, std::uint64_t va);

// A zeroed table from the static pool, as a physical address (0 when empty).
std::uint64_t alloc_table(bool early);

// Physical address of a kernel-image object once the MMU is on.
std::uint64_t image_virt_to_phys(std::uint64_t va);

}  // namespace hal::arch::pt

namespace hal::arch {

// What enable_mmu in boot.S loads; written by aarch64_early_map.
struct BootMmu {
  std::uint64_t mair;
  std::uint64_t tcr;
  std::uint64_t ttbr0;  // identity map of the image, used only while switching
  std::uint64_t ttbr1;  // kernel half
};

}  // namespace hal::arch

extern "C" hal::arch::BootMmu aarch64_boot_mmu;
extern "C" std::uint64_t aarch64_kernel_phys;  // load address of _start
