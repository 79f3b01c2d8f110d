// AddressSpace: VMAs, hal page tables and demand-zero anonymous pages under
// one IRQ-safe spinlock (faults arrive with interrupts masked from usercopy).
// Page allocation happens under it: the page allocator has its own lock and
// never calls back. Pages are counted per mapping space (mm/cow.hpp): fork
// shares them read-only, a write fault copies, the last unmap frees.
#include <hal/upcalls.hpp>
#include <mm/address_space.hpp>
#include <mm/cow.hpp>
#include <mm/heap.hpp>

#include <new>

namespace mm {
namespace {

constexpr std::uintptr_t kPage = hal::kPageSize;

std::uintptr_t round_up(std::uintptr_t v) { return (v + kPage - 1) & ~(kPage - 1); }
std::uintptr_t round_down(std::uintptr_t v) { return v & ~(kPage - 1); }

void* vma_alloc(std::size_t n) { return kmalloc(n); }
void vma_free(void* p) { kfree(p); }

Page* descriptor(hal::PhysAddr pa) { return page_allocator().page_of(pa); }

// hal hands back every page it unmaps; the last sharer frees it.
void release_page(hal::PhysAddr pa, void* ctx) {
  if (page_ref_put(descriptor(pa))) free_pages(pa, 0);
  if (ctx) --*static_cast<std::size_t*>(ctx);
}

}  // namespace

AddressSpace::AddressSpace() : vmas_(VmaAllocator{vma_alloc, vma_free}) {}

klib::Result<AddressSpace*> AddressSpace::create() {
  void* mem = kzalloc(sizeof(AddressSpace));
  if (!mem) return klib::Err(klib::Error::NOMEM);
  auto* as = new (mem) AddressSpace();
  if (auto r = hal::user_table_create(&as->table_); !r.ok()) {
    as->~AddressSpace();
    kfree(mem);
    return klib::Err(r.error());
  }
  return as;
}

void AddressSpace::destroy(AddressSpace* as) {
  if (!as) return;
  hal::user_table_destroy(&as->table_, release_page, &as->resident_);
  as->~AddressSpace();
  kfree(as);
}

void AddressSpace::unmap_locked(std::uintptr_t start, std::uintptr_t end) {
  hal::user_unmap_range(&table_, start, end, release_page, &resident_);
}

klib::Result<std::uintptr_t> AddressSpace::map_anonymous(std::uintptr_t addr, std::size_t len,
                                                         unsigned prot, VmaKind kind, bool fixed) {
  if (len == 0) return klib::Err(klib::Error::INVAL);
  const std::uintptr_t size = round_up(len);
  if (size < len || size > kMmapTop) return klib::Err(klib::Error::NOMEM);
  klib::SpinGuard guard(lock_);
  if (fixed) {
    if (addr & (kPage - 1)) return klib::Err(klib::Error::INVAL);
    if (addr < kMmapMin || addr > hal::kUserTop || size > hal::kUserTop - addr)
      return klib::Err(klib::Error::INVAL);
    // MAP_FIXED replaces: drop the old areas and their pages first.
    TRY(vmas_.remove(addr, addr + size));
    unmap_locked(addr, addr + size);
    TRY(vmas_.insert(addr, addr + size, prot, kind));
    return addr;
  }
  const std::uintptr_t hint = round_down(addr);
  if (hint >= kMmapMin && hint < hal::kUserTop && size <= hal::kUserTop - hint &&
      !vmas_.overlaps(hint, hint + size)) {
    TRY(vmas_.insert(hint, hint + size, prot, kind));
    return hint;
  }
  const std::uintptr_t at = TRY(vmas_.find_gap(size, kMmapMin, kMmapTop));
  TRY(vmas_.insert(at, at + size, prot, kind));
  return at;
}

klib::Result<void> AddressSpace::unmap(std::uintptr_t addr, std::size_t len) {
  if ((addr & (kPage - 1)) || len == 0) return klib::Err(klib::Error::INVAL);
  const std::uintptr_t size = round_up(len);
  if (addr >= hal::kUserTop || size > hal::kUserTop - addr) return klib::Err(klib::Error::INVAL);
  klib::SpinGuard guard(lock_);
  TRY(vmas_.remove(addr, addr + size));
  unmap_locked(addr, addr + size);
  return klib::ok();
}

klib::Result<void> AddressSpace::protect(std::uintptr_t addr, std::size_t len, unsigned prot) {
  if ((addr & (kPage - 1)) || len == 0) return klib::Err(klib::Error::INVAL);
  const std::uintptr_t size = round_up(len);
  if (addr >= hal::kUserTop || size > hal::kUserTop - addr) return klib::Err(klib::Error::NOMEM);
  klib::SpinGuard guard(lock_);
  TRY(vmas_.protect(addr, addr + size, prot));
  if (prot == 0) {
    unmap_locked(addr, addr + size);
    return klib::ok();
  }
  for (std::uintptr_t va = addr; va < addr + size; va += kPage) {
    hal::PhysAddr pa = 0;
    // A page still shared after fork stays read-only: its write fault copies.
    if (hal::user_lookup(&table_, va, &pa, nullptr))
      TRY(hal::user_map(&table_, va, pa, cow_page_prot(prot, descriptor(pa))));
  }
  return klib::ok();
}

void AddressSpace::set_brk_base(std::uintptr_t base) {
  klib::SpinGuard guard(lock_);
  brk_base_ = brk_ = round_up(base);
}

std::uintptr_t AddressSpace::brk(std::uintptr_t want) {
  klib::SpinGuard guard(lock_);
  if (want < brk_base_ || want >= kMmapTop) return brk_;
  const std::uintptr_t old_top = round_up(brk_);
  const std::uintptr_t new_top = round_up(want);
  if (new_top > old_top) {
    // Grow the heap area (created on the first growth) if nothing is in the way.
    if (vmas_.overlaps(old_top, new_top)) return brk_;
    if (old_top == brk_base_ || !vmas_.find(brk_base_)) {
      if (!vmas_.insert(old_top, new_top, kProtRead | kProtWrite, VmaKind::Heap).ok()) return brk_;
    } else if (!vmas_.resize(brk_base_, new_top).ok()) {
      return brk_;
    }
  } else if (new_top < old_top) {
    if (!vmas_.remove(new_top, old_top).ok()) return brk_;
    unmap_locked(new_top, old_top);
  }
  brk_ = want;
  return brk_;
}

klib::Result<hal::PhysAddr> AddressSpace::page_locked(const Vma* v, std::uintptr_t page) {
  hal::PhysAddr pa = 0;
  if (hal::user_lookup(&table_, page, &pa, nullptr)) return pa;
  pa = TRY(alloc_pages(0));
  __builtin_memset(hal::phys_to_virt(pa), 0, kPage);
  if (auto r = hal::user_map(&table_, page, pa, v->prot); !r.ok()) {
    free_pages(pa, 0);
    return klib::Err(r.error());
  }
  page_ref_init(descriptor(pa));
  ++resident_;
  return pa;
}

klib::Result<void> AddressSpace::break_cow_locked(const Vma* v, std::uintptr_t page,
                                                  hal::PhysAddr pa) {
  Page* old = descriptor(pa);
  if (cow_write_action(old) == CowAction::Reuse) return hal::user_map(&table_, page, pa, v->prot);
  const hal::PhysAddr copy = TRY(alloc_pages(0));
  __builtin_memcpy(hal::phys_to_virt(copy), hal::phys_to_virt(pa), kPage);
  page_ref_init(descriptor(copy));
  // user_map flushes the old translation from every CPU before this space
  // lets go of the shared page.
  if (auto r = hal::user_map(&table_, page, copy, v->prot); !r.ok()) {
    free_pages(copy, 0);
    return r;
  }
  if (page_ref_put(old)) free_pages(pa, 0);  // the other sharers left meanwhile
  ++cow_copies_;
  return klib::ok();
}

klib::Result<AddressSpace*> AddressSpace::fork() {
  AddressSpace* child = TRY(create());
  klib::Result<void> result = klib::ok();
  {
    klib::SpinGuard guard(lock_);
    result = child->vmas_.copy_from(vmas_);
    vmas_.for_each([&](const Vma& v) {
      if (!result.ok() || v.prot == 0) return;  // PROT_NONE areas hold no pages
      for (std::uintptr_t va = v.start; va < v.end && result.ok(); va += kPage) {
        hal::PhysAddr pa = 0;
        if (!hal::user_lookup(&table_, va, &pa, nullptr)) continue;
        Page* page = descriptor(pa);
        page_ref_get(page);
        const unsigned prot = cow_page_prot(v.prot, page);
        result = hal::user_map(&child->table_, va, pa, prot);
        if (!result.ok()) {
          page_ref_put(page);  // the parent still maps it: never the last
          break;
        }
        ++child->resident_;
        // Write-protect the parent's copy too (flushed from every CPU).
        if (prot != v.prot) result = hal::user_map(&table_, va, pa, prot);
      }
    });
    child->brk_base_ = brk_base_;
    child->brk_ = brk_;
  }
  if (!result.ok()) {
    destroy(child);
    return klib::Err(result.error());
  }
  return child;
}

FaultResult AddressSpace::fault(std::uintptr_t addr, unsigned access) {
  klib::SpinGuard guard(lock_);
  const Vma* v = vmas_.find(addr);
  if (!v) return FaultResult::NoArea;
  if ((v->prot & access) != access || v->prot == 0) return FaultResult::Denied;
  hal::PhysAddr pa = 0;
  unsigned have = 0;
  if (hal::user_lookup(&table_, round_down(addr), &pa, &have)) {
    // Present: another CPU resolved it first (stale TLB), or a write to a
    // page shared copy-on-write.
    if ((have & access) == access) return FaultResult::Resolved;
    if (access & kProtWrite) {
      if (auto r = break_cow_locked(v, round_down(addr), pa); !r.ok())
        return r.error() == klib::Error::NOMEM ? FaultResult::NoMemory : FaultResult::Denied;
      return FaultResult::Resolved;
    }
    return FaultResult::Denied;
  }
  if (!page_locked(v, round_down(addr)).ok()) return FaultResult::NoMemory;
  return FaultResult::Resolved;
}

klib::Result<void> AddressSpace::write(std::uintptr_t va, const void* src, std::size_t n) {
  const auto* from = static_cast<const unsigned char*>(src);
  klib::SpinGuard guard(lock_);
  while (n > 0) {
    const Vma* v = vmas_.find(va);
    if (!v) return klib::Err(klib::Error::FAULT);
    const std::uintptr_t page = round_down(va);
    hal::PhysAddr pa = TRY(page_locked(v, page));
    if (page_refs(descriptor(pa)) > 1) {  // shared after fork: write a private copy
      TRY(break_cow_locked(v, page, pa));
      (void)hal::user_lookup(&table_, page, &pa, nullptr);
    }
    std::size_t chunk = page + kPage - va;
    if (chunk > n) chunk = n;
    __builtin_memcpy(static_cast<unsigned char*>(hal::phys_to_virt(pa)) + (va - page), from, chunk);
    va += chunk;
    from += chunk;
    n -= chunk;
  }
  return klib::ok();
}

}  // namespace mm

namespace kernel {

hal::PhysAddr alloc_page_table() {
  auto pa = mm::alloc_pages(0);
  if (!pa.ok()) return 0;
  __builtin_memset(hal::phys_to_virt(*pa), 0, hal::kPageSize);
  return *pa;
}

void free_page_table(hal::PhysAddr pa) { mm::free_pages(pa, 0); }

}  // namespace kernel
