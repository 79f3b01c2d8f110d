// Buddy allocator for physical pages. All bookkeeping lives in a caller-supplied
// array of Page descriptors, never in the managed memory itself, so it works
// before the direct map exists and host tests can manage a fake physical range.
// Not internally locked: the kernel wraps it (mm/heap.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <klib/list.hpp>
#include <klib/result.hpp>
#include <mm/types.hpp>

namespace mm {

// Largest block is 2^kMaxOrder pages (4 MiB with 4 KiB pages).
inline constexpr unsigned kMaxOrder = 10;

enum class PageState : std::uint8_t {
  kReserved,   // never handed to the allocator (firmware, kernel image, holes)
  kFree,       // head of a free block of `order`
  kAllocated,  // head of an allocated block of `order`
  kSlab,       // allocated order-0 page carved into kmalloc objects
  kTail,       // a non-head page inside a free or allocated block
};

// One per physical page. Only block heads carry meaningful state; the other
// pages of a block are kTail so a stray address inside a block is detectable.
struct Page {
  klib::ListNode link;       // buddy free list, or a slab cache's partial list
  void* owner = nullptr;     // kmalloc: owning slab cache or heap
  void* freelist = nullptr;  // kmalloc: first free object of a slab page
  std::uint16_t inuse = 0;   // kmalloc: live objects in a slab page
  // User pages: how many address spaces map the page (copy-on-write after
  // fork shares it; mm/cow.hpp). Set to 1 by whoever maps a fresh page.
  std::uint32_t map_refs = 0;
  PageState state = PageState::kReserved;
  std::uint8_t order = 0;
};

class BuddyAllocator {
 public:
  BuddyAllocator() = default;
  BuddyAllocator(const BuddyAllocator&) = delete;
  BuddyAllocator& operator=(const BuddyAllocator&) = delete;

  // Manages [base, base + npages * kPageSize). `descriptors` has npages
  // entries; they are reset here and every page starts reserved.
  void init(PhysAddr base, std::size_t npages, Page* descriptors);

  // Releases the whole pages inside [start, end) (rounded inwards) into the
  // allocator. The pages must lie in the span and still be reserved.
  void add_free_range(PhysAddr start, PhysAddr end);

  // A naturally aligned block of 2^order pages. NOMEM when no block fits,
  // INVAL when order > kMaxOrder.
  klib::Result<PhysAddr> alloc_pages(unsigned order);

  // Returns a block from alloc_pages with the same order. Bad addresses,
  // wrong orders and double frees are kernel bugs and trip a KASSERT.
  void free_pages(PhysAddr addr, unsigned order);

  // Descriptor of the page holding `addr`, or nullptr outside the span.
  Page* page_of(PhysAddr addr) const;
  PhysAddr addr_of(const Page* page) const;

  std::size_t free_pages() const { return free_pages_; }
  std::size_t total_pages() const { return total_pages_; }  // ever added as free
  std::size_t span_pages() const { return npages_; }
  std::size_t free_blocks(unsigned order) const;

  // Walks descriptors and free lists; false (never a KASSERT) on any broken
  // invariant, so tests and in-kernel self checks can report it.
  bool check_invariants() const;

 private:
  using FreeList = klib::List<Page, &Page::link>;

  std::size_t index_of(const Page* p) const { return static_cast<std::size_t>(p - pages_); }
  std::uint64_t pfn_of_index(std::size_t i) const { return base_pfn_ + i; }
  // Index of the buddy of the block at `index`, or npages_ if outside the span.
  std::size_t buddy_index(std::size_t index, unsigned order) const;
  void free_block(std::size_t index, unsigned order);

  Page* pages_ = nullptr;
  std::size_t npages_ = 0;
  std::uint64_t base_pfn_ = 0;
  std::size_t free_pages_ = 0;
  std::size_t total_pages_ = 0;
  FreeList free_lists_[kMaxOrder + 1];
};

}  // namespace mm
