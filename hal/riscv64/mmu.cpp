// riscv64 kernel address space at run time: the direct map, the MMIO window,
// guard pages and address translation, on the tables boot/early_mmu.cpp built.
#include <hal/arch/csr.hpp>
#include <hal/arch/early.hpp>
#include <hal/arch/mmu_internal.hpp>
#include <hal/arch/pt.hpp>
#include <hal/arch/sbi.hpp>
#include <hal/mmu.hpp>
#include <klib/spinlock.hpp>

namespace hal {
namespace {

using namespace riscv;

klib::SpinLockIrq lock;
std::uintptr_t mmio_next = kMmioBase;

// After boot, tables are reached through the direct map and pool symbols are
// kernel-image virtual addresses.
pt::Mapper mapper() { return {riscv_va_pa_offset, kDirectMapBase}; }

std::uint64_t* lookup(std::uintptr_t va, int* level) {
  return pt::walk(mapper(), root_table_pa, va, 0, false, level);
}

// Inclusive of the end: callers convert [start, end) bounds, not just bytes.
bool in_kernel_image(std::uintptr_t va) {
  return va >= reinterpret_cast<std::uintptr_t>(__kernel_start) &&
         va <= reinterpret_cast<std::uintptr_t>(__kernel_end);
}

// Other harts may cache a translation that just changed (the direct map's
// large pages are used by everyone), so guard pages need a shootdown.
void flush_all_harts(std::uintptr_t va, std::uintptr_t size) {
  sfence_vma(va);
  sbi::remote_sfence_vma(va, size);
}

}  // namespace

PhysAddr virt_to_phys(const void* p) {
  const auto va = reinterpret_cast<std::uintptr_t>(p);
  if (va >= kDirectMapBase && va < kDirectMapBase + kDirectMapSize) return va - kDirectMapBase;
  if (in_kernel_image(va)) return va - riscv_va_pa_offset;
  int level = 0;
  const std::uint64_t* pte = lookup(va, &level);
  if (!pt::is_leaf(*pte)) return 0;
  return pt::pte_pa(*pte) + (va & (pt::level_size(level) - 1));
}

klib::Result<void*> map_mmio(PhysAddr pa, std::size_t size) {
  const PhysAddr base = pa & ~PhysAddr{kPageSize - 1};
  const std::size_t span = (pa - base + size + kPageSize - 1) & ~(kPageSize - 1);
  klib::SpinGuard guard(lock);
  // Keep 2 MiB alignment for big regions (the PLIC is 64 MiB on some boards)
  // so they get megapages.
  std::uintptr_t va = mmio_next;
  if (span >= pt::level_size(1) && (base & (pt::level_size(1) - 1)) == 0)
    va = (va + pt::level_size(1) - 1) & ~(pt::level_size(1) - 1);
  if (va + span > kMmioBase + kMmioSize || va + span < va) return klib::Err(klib::Error::NOMEM);
  // Sv39 without Svpbmt has no memory types: the platform's PMAs make device
  // regions uncached. Never executable.
  if (!pt::map_range(mapper(), root_table_pa, va, base, span, pt::kKernelRW, true))
    return klib::Err(klib::Error::NOMEM);
  mmio_next = va + span;
  return reinterpret_cast<void*>(va + (pa - base));
}

klib::Result<void> map_ram(PhysAddr start, PhysAddr end) {
  start = (start + kPageSize - 1) & ~PhysAddr{kPageSize - 1};
  end &= ~PhysAddr{kPageSize - 1};
  if (end > kDirectMapSize) return klib::Err(klib::Error::RANGE);
  if (start >= end) return klib::ok();
  klib::SpinGuard guard(lock);
  if (!pt::map_range(mapper(), root_table_pa, kDirectMapBase + start, start, end - start,
                     pt::kKernelRW, true))
    return klib::Err(klib::Error::NOMEM);
  // New mappings only: stale "invalid" entries are not cached by RISC-V
  // harts per the spec's sfence rules, but be conservative locally.
  sfence_vma_all();
  return klib::ok();
}

void unmap_kernel_page(void* p) {
  const auto va = reinterpret_cast<std::uintptr_t>(p) & ~(kPageSize - 1);
  klib::SpinGuard guard(lock);
  // Splits the large direct-map page around it if needed.
  std::uint64_t* pte = pt::walk(mapper(), root_table_pa, va, 0, true, nullptr);
  if (!pte) return;  // table pool exhausted: the stack runs without a guard
  *pte = pt::kGuardMarker;
  flush_all_harts(va, kPageSize);
}

namespace riscv {

bool is_guard_page(std::uintptr_t va) {
  int level = 0;
  return *lookup(va & ~(kPageSize - 1), &level) == pt::kGuardMarker && level == 0;
}

bool is_kernel_readable(std::uintptr_t va) {
  if (va < kDirectMapBase) return false;
  int level = 0;
  const std::uint64_t pte = *lookup(va, &level);
  return pt::is_leaf(pte) && (pte & pt::kR);
}

}  // namespace riscv
}  // namespace hal
