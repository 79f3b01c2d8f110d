// Translation-table construction shared by the MMU-off boot code and the
// runtime mappers (see pgtable.hpp).
#include "pgtable.hpp"

#include <hal/arch/mmu_layout.hpp>
#include <klib/printk.hpp>

namespace hal::arch::pt {
namespace {

// Enough for the image, a few GiB of direct map, the MMIO window and a few
// dozen 2 MiB blocks split for stack guard pages. Never freed.
constexpr std::size_t kPoolTables = 128;
alignas(4096) std::uint64_t g_pool[kPoolTables][512];
std::size_t g_pool_used;

std::uint64_t* table_ptr(std::uint64_t pa, bool early) {
  return reinterpret_cast<std::uint64_t*>(early ? pa : pa + kDirectMapBase);
}

// Turns a level-2 block into a level-3 table mapping the same 2 MiB.
bool split_block(std::uint64_t* entry, bool early) {
  const std::uint64_t table = alloc_table(early);
  if (!table) return false;
  std::uint64_t* l3 = table_ptr(table, early);
  const std::uint64_t base = *entry & kAddrMask;
  const std::uint64_t attrs = *entry & ~kAddrMask & ~3ull;
  for (std::uint64_t i = 0; i < 512; ++i) l3[i] = (base + i * 4096) | attrs | kValid | kTableOrPage;
  asm volatile("dsb ishst" ::: "memory");
  // Same output addresses and attributes before and after, so a walker that
  // sees either the block or the table translates identically.
  *entry = table | kValid | kTableOrPage;
  return true;
}

// Returns the next-level table for `entry`, creating or splitting as needed.
std::uint64_t* next_table(std::uint64_t* entry, bool early) {
  if (!(*entry & kValid)) {
    const std::uint64_t table = alloc_table(early);
    if (!table) return nullptr;
    *entry = table | kValid | kTableOrPage;
  } else if (!(*entry & kTableOrPage)) {
    if (!split_block(entry, early)) return nullptr;
  }
  return table_ptr(*entry & kAddrMask, early);
}

}  // namespace

std::uint64_t alloc_table(bool early) {
  if (g_pool_used == kPoolTables) {
    static bool warned;
    if (!early && !warned) {  // printk only exists once the MMU is on
      warned = true;
      klib::printk("aarch64: page-table pool exhausted (%zu tables)\n", kPoolTables);
    }
    return 0;
  }
  std::uint64_t* t = g_pool[g_pool_used++];
  for (int i = 0; i < 512; ++i) t[i] = 0;
  const auto addr = reinterpret_cast<std::uint64_t>(t);
  return early ? addr : image_virt_to_phys(addr);
}

std::uint64_t image_virt_to_phys(std::uint64_t va) {
  return va - kKernelBase + aarch64_kernel_phys;
}

bool map(std::uint64_t root_pa, std::uint64_t va, std::uint64_t pa, std::uint64_t size,
         std::uint64_t attrs, bool blocks, bool early) {
  std::uint64_t* l1 = table_ptr(root_pa, early);
  const std::uint64_t end = va + size;
  while (va < end) {
    std::uint64_t* l2 = next_table(&l1[(va >> 30) & 511], early);
    if (!l2) return false;
    std::uint64_t* e2 = &l2[(va >> 21) & 511];
    const bool aligned = ((va | pa) & (kBlockSize - 1)) == 0 && end - va >= kBlockSize;
    if (blocks && aligned && !(*e2 & kTableOrPage)) {
      *e2 = pa | attrs | kValid;
      va += kBlockSize;
      pa += kBlockSize;
      continue;
    }
    std::uint64_t* l3 = next_table(e2, early);
    if (!l3) return false;
    l3[(va >> 12) & 511] = pa | attrs | kValid | kTableOrPage;
    va += 4096;
    pa += 4096;
  }
  return true;
}

bool unmap_page(std::uint64_t root_pa, std::uint64_t va) {
  std::uint64_t* l1 = table_ptr(root_pa, false);
  std::uint64_t* e1 = &l1[(va >> 30) & 511];
  if (!(*e1 & kValid)) return false;
  std::uint64_t* e2 = &table_ptr(*e1 & kAddrMask, false)[(va >> 21) & 511];
  if (!(*e2 & kValid)) return false;
  std::uint64_t* l3 = next_table(e2, false);
  if (!l3) return false;
  l3[(va >> 12) & 511] = 0;
  return true;
}

}  // namespace hal::arch::pt
