// Sv39 page-table walking and mapping, usable both before the MMU is on (the
// early mapper) and after; see <hal/arch/pt.hpp>. Tables come from a static
// pool in .bss so no allocator is needed at any point.
#include <hal/arch/pt.hpp>

namespace hal::riscv::pt {
namespace {

constexpr unsigned kPoolPages = 96;
alignas(4096) std::uint64_t pool[kPoolPages][512];
unsigned pool_next;

std::uint64_t* table_at(const Mapper& m, std::uint64_t pa) {
  return reinterpret_cast<std::uint64_t*>(pa + m.pa_to_ptr);
}

std::uint64_t make_pte(std::uint64_t pa, std::uint64_t flags) { return ((pa >> 12) << 10) | flags; }

unsigned index_of(std::uintptr_t va, int level) { return (va >> (12 + 9 * level)) & 511; }

// Replaces a large leaf by a table of next-level leaves with the same flags.
bool split(const Mapper& m, std::uint64_t* pte, int level) {
  std::uint64_t table = alloc_table(m);
  if (!table) return false;
  std::uint64_t* t = table_at(m, table);
  const std::uint64_t base = pte_pa(*pte), flags = *pte & 0x3ff;
  for (unsigned i = 0; i < 512; ++i) t[i] = make_pte(base + i * level_size(level - 1), flags);
  *pte = make_pte(table, kV);
  return true;
}

}  // namespace

std::uint64_t alloc_table(const Mapper& m) {
  if (pool_next >= kPoolPages) return 0;
  std::uint64_t pa = reinterpret_cast<std::uintptr_t>(&pool[pool_next++][0]) - m.sym_to_pa;
  std::uint64_t* t = table_at(m, pa);
  for (unsigned i = 0; i < 512; ++i) t[i] = 0;
  return pa;
}

unsigned tables_used() { return pool_next; }

std::uint64_t* walk(const Mapper& m, std::uint64_t root_pa, std::uintptr_t va, int level,
                    bool alloc, int* found_level) {
  std::uint64_t table = root_pa;
  for (int l = 2;; --l) {
    std::uint64_t* pte = table_at(m, table) + index_of(va, l);
    if (l == level || (!alloc && (!(*pte & kV) || is_leaf(*pte)))) {
      if (found_level) *found_level = l;
      return pte;
    }
    if (!(*pte & kV)) {
      std::uint64_t next = alloc_table(m);
      if (!next) return nullptr;
      *pte = make_pte(next, kV);
    } else if (is_leaf(*pte) && !split(m, pte, l)) {
      return nullptr;
    }
    table = pte_pa(*pte);
  }
}

bool map_range(const Mapper& m, std::uint64_t root_pa, std::uintptr_t va, std::uint64_t pa,
               std::uint64_t size, std::uint64_t flags, bool large) {
  while (size) {
    int level = 0;
    if (large) {
      for (int l = 2; l > 0; --l) {
        const std::uint64_t s = level_size(l);
        if (((va | pa) & (s - 1)) == 0 && size >= s) {
          level = l;
          break;
        }
      }
    }
    // Never replace a table by a large leaf: it may hold finer mappings
    // (guard pages, W^X boundaries). Map at the finer level instead.
    int found = 0;
    std::uint64_t* cur = walk(m, root_pa, va, level, false, &found);
    while (level > 0 && found == level && (*cur & kV) && !is_leaf(*cur)) {
      --level;
      cur = walk(m, root_pa, va, level, false, &found);
    }
    // Keep an existing leaf that already maps this chunk the same way (map_ram
    // may be called again for ranges the boot mapper covered).
    const std::uint64_t step = level_size(level);
    if (is_leaf(*cur) && found >= level && pte_pa(*cur) + (va & (level_size(found) - 1)) == pa &&
        (*cur & 0x3ff) == flags) {
      va += step, pa += step, size -= step;
      continue;
    }
    std::uint64_t* pte = walk(m, root_pa, va, level, true, nullptr);
    if (!pte) return false;
    *pte = make_pte(pa, flags);
    va += step, pa += step, size -= step;
  }
  return true;
}

}  // namespace hal::riscv::pt
