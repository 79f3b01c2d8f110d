// KernelHeap: kmalloc-style allocation on top of a BuddyAllocator. Small
// requests come from per-size-class slab pages; larger ones are whole buddy
// blocks. The page descriptor records which, so free() needs no size.
// Not internally locked: the kernel wraps it (mm/heap.hpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <mm/page_alloc.hpp>

namespace mm {

inline constexpr std::array<std::size_t, 8> kSizeClasses = {16, 32, 64, 128, 256, 512, 1024, 2048};
inline constexpr std::size_t kNumSizeClasses = kSizeClasses.size();
inline constexpr std::size_t kMaxSlabObject = kSizeClasses.back();
// Largest request served at all: one maximal buddy block.
inline constexpr std::size_t kMaxAllocation = kPageSize << kMaxOrder;

struct SizeClassStats {
  std::size_t object_size;
  std::size_t objects_in_use;
  std::size_t slab_pages;  // pages held by the class, including a cached empty one
};

class KernelHeap {
 public:
  // Memory from `pages` is reached at virt = phys + virt_offset (the kernel's
  // direct map; on the host, arena base minus the fake physical base).
  KernelHeap(BuddyAllocator& pages, std::uintptr_t virt_offset);
  KernelHeap(const KernelHeap&) = delete;
  KernelHeap& operator=(const KernelHeap&) = delete;

  // nullptr for size 0, size > kMaxAllocation, or when memory runs out.
  // Objects are aligned to min(size class, 16); large blocks to a page.
  void* alloc(std::size_t size);
  // nullptr is ignored. A pointer this heap did not hand out, or a detected
  // double free, trips a KASSERT.
  void free(void* ptr);

  // Bytes handed out, counted at size-class / whole-block granularity.
  std::size_t bytes_in_use() const;
  std::size_t large_pages_in_use() const { return large_pages_; }
  SizeClassStats class_stats(std::size_t index) const;
  // Capacity behind a live pointer (its size class or block size).
  std::size_t usable_size(const void* ptr) const;

  // Gives every cached empty slab page back to the buddy allocator.
  void trim();

 private:
  using SlabList = klib::List<Page, &Page::link>;
  struct SizeClass {
    std::size_t object_size = 0;
    SlabList partial;       // slabs with both free and live objects
    Page* empty = nullptr;  // at most one fully free slab kept for reuse
    std::size_t in_use = 0;
    std::size_t pages = 0;
  };

  void* alloc_small(SizeClass& sc);
  void* alloc_large(std::size_t size);
  void free_small(SizeClass& sc, Page* page, void* ptr);
  Page* new_slab(SizeClass& sc);
  // Buddy allocation that falls back to trimming cached slabs once.
  klib::Result<PhysAddr> grab_pages(unsigned order);
  void release_slab(SizeClass& sc, Page* page);
  // The descriptor of a pointer this heap handed out; KASSERTs otherwise.
  Page* owned_page(const void* ptr) const;
  SizeClass* class_of(const Page* page) const;
  void* virt(PhysAddr pa) const {
    return reinterpret_cast<void*>(static_cast<std::uintptr_t>(pa + virt_offset_));
  }
  PhysAddr phys(const void* va) const {
    return reinterpret_cast<std::uintptr_t>(va) - virt_offset_;
  }

  BuddyAllocator& pages_;
  std::uintptr_t virt_offset_;
  std::size_t large_pages_ = 0;
  SizeClass classes_[kNumSizeClasses];
};

}  // namespace mm
