// hal/mmu.hpp at run time: MMIO window, direct-map additions, guard pages,
// virt_to_phys. Page-table updates are serialised by one lock; TLB
// maintenance broadcasts to all CPUs (inner shareable).
#include <hal/arch/sysreg.hpp>
#include <hal/mmu.hpp>
#include <klib/spinlock.hpp>

#include "pgtable.hpp"

extern "C" char __kernel_end[];

namespace hal {
namespace {

klib::SpinLockIrq g_lock;
std::uint64_t g_mmio_next = kMmioBase;

std::uint64_t kernel_root() { return aarch64_boot_mmu.ttbr1; }

// New valid entries need no TLB invalidation (invalid entries are never
// cached), only ordering before the first access through them.
void publish_new_entries() {
  arch::dsb_ishst();
  arch::isb();
}

void invalidate_page(std::uint64_t va) {
  arch::dsb_ishst();
  asm volatile("tlbi vaae1is, %0" ::"r"((va >> 12) & ((1ull << 44) - 1)) : "memory");
  arch::dsb_ish();
  arch::isb();
}

}  // namespace

PhysAddr virt_to_phys(const void* p) {
  const auto va = reinterpret_cast<std::uint64_t>(p);
  if (va >= kDirectMapBase && va < kDirectMapBase + kDirectMapSize) return va - kDirectMapBase;
  if (va >= kKernelBase && va <= reinterpret_cast<std::uint64_t>(__kernel_end))
    return arch::pt::image_virt_to_phys(va);
  // Anything else (MMIO window): ask the MMU.
  asm volatile("at s1e1r, %0\n isb" ::"r"(va) : "memory");
  const std::uint64_t par = HAL_READ_SYSREG(par_el1);
  if (par & 1) return 0;
  return (par & arch::pt::kAddrMask) | (va & 0xfff);
}

klib::Result<void*> map_mmio(PhysAddr pa, std::size_t size) {
  const std::uint64_t offset = pa & 0xfff;
  const std::uint64_t base = pa - offset;
  const std::uint64_t len = (size + offset + 0xfff) & ~0xfffull;
  klib::SpinGuard guard(g_lock);
  std::uint64_t va = g_mmio_next;
  // Large regions (GICv3 redistributors) get the same 2 MiB phase as pa so
  // they can use block mappings instead of filling page tables.
  if (len >= arch::pt::kBlockSize) {
    const std::uint64_t mask = arch::pt::kBlockSize - 1;
    va = ((va + mask) & ~mask) + (base & mask);
  }
  if (va + len > kMmioBase + kMmioSize) return klib::Err(klib::Error::NOMEM);
  if (!arch::pt::map(kernel_root(), va, base, len, arch::pt::kDevice, true, false))
    return klib::Err(klib::Error::NOMEM);
  g_mmio_next = va + len;
  publish_new_entries();
  return reinterpret_cast<void*>(va + offset);
}

klib::Result<void> map_ram(PhysAddr start, PhysAddr end) {
  start &= ~0xfffull;
  end = (end + 0xfff) & ~0xfffull;
  if (end <= start || end > kDirectMapSize) return klib::Err(klib::Error::INVAL);
  klib::SpinGuard guard(g_lock);
  if (!arch::pt::map(kernel_root(), kDirectMapBase + start, start, end - start, arch::pt::kKernelRw,
                     true, false))
    return klib::Err(klib::Error::NOMEM);
  publish_new_entries();
  return klib::ok();
}

void unmap_kernel_page(void* p) {
  const auto va = reinterpret_cast<std::uint64_t>(p) & ~0xfffull;
  klib::SpinGuard guard(g_lock);
  if (arch::pt::unmap_page(kernel_root(), va)) invalidate_page(va);
}

}  // namespace hal
