// Buddy allocator: blocks are aligned to their size in absolute page frame
// numbers, so a block's buddy is found by flipping one bit of its PFN and
// coalescing needs no search.
#include <klib/assert.hpp>
#include <mm/page_alloc.hpp>
#include <new>

namespace mm {

namespace {
constexpr std::size_t pages_in(unsigned order) { return std::size_t{1} << order; }
}  // namespace

void BuddyAllocator::init(PhysAddr base, std::size_t npages, Page* descriptors) {
  // The free lists cannot be emptied safely once they point into descriptors
  // the caller may have reused, so an allocator is set up exactly once.
  KASSERT(pages_ == nullptr);
  KASSERT(is_page_aligned(base));
  KASSERT(descriptors != nullptr || npages == 0);
  pages_ = descriptors;
  npages_ = npages;
  base_pfn_ = base >> kPageShift;
  free_pages_ = 0;
  total_pages_ = 0;
  for (std::size_t i = 0; i < npages; ++i) new (&pages_[i]) Page();
}

void BuddyAllocator::add_free_range(PhysAddr start, PhysAddr end) {
  const PhysAddr first = page_align_up(start);
  const PhysAddr last = page_align_down(end);
  if (first >= last) return;
  const std::uint64_t first_pfn = first >> kPageShift;
  const std::uint64_t end_pfn = last >> kPageShift;
  KASSERT(first_pfn >= base_pfn_ && end_pfn <= base_pfn_ + npages_);

  std::size_t i = static_cast<std::size_t>(first_pfn - base_pfn_);
  const std::size_t stop = static_cast<std::size_t>(end_pfn - base_pfn_);
  while (i < stop) {
    // Largest block that starts aligned at i and stays inside the range;
    // free_block then merges it with neighbours released earlier.
    unsigned order = 0;
    while (order < kMaxOrder && (pfn_of_index(i) & (pages_in(order + 1) - 1)) == 0 &&
           i + pages_in(order + 1) <= stop) {
      ++order;
    }
    for (std::size_t j = i; j < i + pages_in(order); ++j) {
      KASSERT(pages_[j].state == PageState::kReserved);  // released twice?
      pages_[j].state = PageState::kTail;
    }
    total_pages_ += pages_in(order);
    free_block(i, order);
    i += pages_in(order);
  }
}

klib::Result<PhysAddr> BuddyAllocator::alloc_pages(unsigned order) {
  if (order > kMaxOrder) return klib::Err(klib::Error::INVAL);
  unsigned o = order;
  while (o <= kMaxOrder && free_lists_[o].empty()) ++o;
  if (o > kMaxOrder) return klib::Err(klib::Error::NOMEM);

  Page* head = free_lists_[o].pop_front();
  const std::size_t index = index_of(head);
  // Split down to the requested size; each upper half becomes a free block.
  while (o > order) {
    --o;
    Page& half = pages_[index + pages_in(o)];
    half.state = PageState::kFree;
    half.order = static_cast<std::uint8_t>(o);
    free_lists_[o].push_front(&half);
  }
  head->state = PageState::kAllocated;
  head->order = static_cast<std::uint8_t>(order);
  head->owner = nullptr;
  head->freelist = nullptr;
  head->inuse = 0;
  free_pages_ -= pages_in(order);
  return addr_of(head);
}

void BuddyAllocator::free_pages(PhysAddr addr, unsigned order) {
  KASSERT(order <= kMaxOrder);
  KASSERT(is_page_aligned(addr));
  Page* head = page_of(addr);
  KASSERT(head != nullptr);                       // not a managed address
  KASSERT(head->state == PageState::kAllocated);  // double free or not a block head
  KASSERT(head->order == order);                  // freed with the wrong order
  head->state = PageState::kTail;
  head->owner = nullptr;
  head->freelist = nullptr;
  head->inuse = 0;
  free_block(index_of(head), order);
}

void BuddyAllocator::free_block(std::size_t index, unsigned order) {
  free_pages_ += pages_in(order);
  while (order < kMaxOrder) {
    const std::size_t buddy = buddy_index(index, order);
    if (buddy >= npages_) break;
    Page& b = pages_[buddy];
    if (b.state != PageState::kFree || b.order != order) break;
    free_lists_[order].remove(&b);
    b.state = PageState::kTail;
    // The merged block starts at the lower of the two heads.
    if (buddy < index) {
      pages_[index].state = PageState::kTail;
      index = buddy;
    }
    ++order;
  }
  Page& head = pages_[index];
  head.state = PageState::kFree;
  head.order = static_cast<std::uint8_t>(order);
  free_lists_[order].push_front(&head);
}

std::size_t BuddyAllocator::buddy_index(std::size_t index, unsigned order) const {
  const std::uint64_t buddy_pfn = pfn_of_index(index) ^ pages_in(order);
  if (buddy_pfn < base_pfn_) return npages_;
  const std::uint64_t b = buddy_pfn - base_pfn_;
  if (b + pages_in(order) > npages_) return npages_;
  return static_cast<std::size_t>(b);
}

Page* BuddyAllocator::page_of(PhysAddr addr) const {
  const std::uint64_t pfn = addr >> kPageShift;
  if (pfn < base_pfn_ || pfn - base_pfn_ >= npages_) return nullptr;
  return &pages_[pfn - base_pfn_];
}

PhysAddr BuddyAllocator::addr_of(const Page* page) const {
  KASSERT(page >= pages_ && page < pages_ + npages_);
  return (base_pfn_ + index_of(page)) << kPageShift;
}

std::size_t BuddyAllocator::free_blocks(unsigned order) const {
  return order <= kMaxOrder ? free_lists_[order].size() : 0;
}

bool BuddyAllocator::check_invariants() const {
  // 1. Descriptors tile the span: every block head covers 2^order pages that
  //    are all kTail, so blocks cannot overlap and no page is orphaned.
  std::size_t free_heads = 0, free_in_blocks = 0, managed = 0;
  for (std::size_t i = 0; i < npages_;) {
    const Page& p = pages_[i];
    if (p.state == PageState::kReserved) {
      ++i;
      continue;
    }
    if (p.state == PageState::kTail || p.order > kMaxOrder) return false;
    const std::size_t n = pages_in(p.order);
    if ((pfn_of_index(i) & (n - 1)) != 0 || i + n > npages_) return false;
    for (std::size_t j = i + 1; j < i + n; ++j) {
      if (pages_[j].state != PageState::kTail) return false;
    }
    if (p.state == PageState::kFree) {
      if (!p.link.linked()) return false;
      ++free_heads;
      free_in_blocks += n;
      // 2. A free block whose buddy is free at the same order should have merged.
      if (p.order < kMaxOrder) {
        const std::size_t b = buddy_index(i, p.order);
        if (b < npages_ && pages_[b].state == PageState::kFree && pages_[b].order == p.order) {
          return false;
        }
      }
    } else if (p.state == PageState::kSlab && p.order != 0) {
      return false;
    }
    managed += n;
    i += n;
  }
  // 3. Free lists hold exactly the free heads, each filed under its own order.
  std::size_t listed_heads = 0, listed_pages = 0;
  bool ok = true;
  for (unsigned o = 0; o <= kMaxOrder; ++o) {
    free_lists_[o].for_each([&](Page* p) {
      if (p < pages_ || p >= pages_ + npages_ || p->state != PageState::kFree || p->order != o) {
        ok = false;
      }
      ++listed_heads;
      listed_pages += pages_in(o);
    });
  }
  // 4. Counters agree with what the walk found.
  return ok && listed_heads == free_heads && listed_pages == free_in_blocks &&
         free_pages_ == free_in_blocks && managed == total_pages_;
}

}  // namespace mm
