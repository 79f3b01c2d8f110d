// Slab-backed kmalloc. A slab page holds objects of one size class and keeps
// all its metadata in the page descriptor, so objects pack the page exactly and
// are naturally aligned to their size.
#include <bit>
#include <klib/assert.hpp>
#include <mm/kmalloc.hpp>
#include <new>

namespace mm {

namespace {

// Layout of a free object. The poison word lets free() notice a probable
// double free in O(1); only then does it walk the slab's free list to confirm,
// so a live object that happens to hold the pattern is never misreported.
struct FreeObject {
  FreeObject* next;
  std::uintptr_t poison;
};
static_assert(sizeof(FreeObject) <= kSizeClasses[0]);

constexpr std::uintptr_t kFreePoison = static_cast<std::uintptr_t>(0xf5ee0b1ec7f5ee0bULL);

std::uintptr_t poison_for(const void* obj) {
  return kFreePoison ^ reinterpret_cast<std::uintptr_t>(obj);
}

std::size_t class_index(std::size_t size) {
  // ceil(log2(size)) for size > 1; class 0 holds 16 = 2^4 bytes.
  const auto width = static_cast<std::size_t>(std::bit_width(size - 1));
  return width <= 4 ? 0 : width - 4;
}

unsigned order_for(std::size_t size) {
  const std::size_t npages = (size + kPageSize - 1) / kPageSize;
  return static_cast<unsigned>(std::bit_width(npages - 1));
}

}  // namespace

KernelHeap::KernelHeap(BuddyAllocator& pages, std::uintptr_t virt_offset)
    : pages_(pages), virt_offset_(virt_offset) {
  // Objects are aligned by their offset inside a page, so the translation
  // must preserve page alignment.
  KASSERT(virt_offset % kPageSize == 0);
  for (std::size_t i = 0; i < kNumSizeClasses; ++i) classes_[i].object_size = kSizeClasses[i];
}

void* KernelHeap::alloc(std::size_t size) {
  if (size == 0 || size > kMaxAllocation) return nullptr;
  if (size > kMaxSlabObject) return alloc_large(size);
  return alloc_small(classes_[class_index(size)]);
}

void KernelHeap::free(void* ptr) {
  if (ptr == nullptr) return;
  Page* page = owned_page(ptr);
  if (page->state == PageState::kSlab) {
    free_small(*class_of(page), page, ptr);
    return;
  }
  const PhysAddr pa = phys(ptr);
  KASSERT(is_page_aligned(pa));  // interior pointer into a large block
  large_pages_ -= std::size_t{1} << page->order;
  page->owner = nullptr;
  pages_.free_pages(pa, page->order);
}

void* KernelHeap::alloc_small(SizeClass& sc) {
  Page* page = sc.partial.front();
  if (page == nullptr) {
    page = sc.empty != nullptr ? sc.empty : new_slab(sc);
    if (page == nullptr) return nullptr;
    sc.empty = nullptr;
    sc.partial.push_front(page);
  }
  auto* obj = static_cast<FreeObject*>(page->freelist);
  page->freelist = obj->next;
  obj->poison = 0;
  ++page->inuse;
  ++sc.in_use;
  if (page->freelist == nullptr) sc.partial.remove(page);  // full slabs are not tracked
  return obj;
}

void* KernelHeap::alloc_large(std::size_t size) {
  const unsigned order = order_for(size);
  auto pa = grab_pages(order);
  if (!pa) return nullptr;
  pages_.page_of(*pa)->owner = this;
  large_pages_ += std::size_t{1} << order;
  return virt(*pa);
}

void KernelHeap::free_small(SizeClass& sc, Page* page, void* ptr) {
  KASSERT(phys(ptr) % sc.object_size == 0);  // not the start of an object
  auto* obj = static_cast<FreeObject*>(ptr);
  if (obj->poison == poison_for(obj)) {
    for (FreeObject* f = static_cast<FreeObject*>(page->freelist); f != nullptr; f = f->next) {
      KASSERT(f != obj);  // double free
    }
  }
  KASSERT(page->inuse > 0);
  const bool was_full = page->freelist == nullptr;
  new (obj) FreeObject{static_cast<FreeObject*>(page->freelist), poison_for(obj)};
  page->freelist = obj;
  --page->inuse;
  --sc.in_use;
  if (page->inuse == 0) {
    if (!was_full) sc.partial.remove(page);
    // Keep one empty slab so a class oscillating around a page boundary does
    // not bounce pages through the buddy allocator on every call.
    if (sc.empty == nullptr) {
      sc.empty = page;
    } else {
      release_slab(sc, page);
    }
  } else if (was_full) {
    sc.partial.push_front(page);
  }
}

klib::Result<PhysAddr> KernelHeap::grab_pages(unsigned order) {
  auto pa = pages_.alloc_pages(order);
  if (pa) return pa;
  trim();  // cached empty slabs may be exactly what is missing
  return pages_.alloc_pages(order);
}

Page* KernelHeap::new_slab(SizeClass& sc) {
  auto pa = grab_pages(0);
  if (!pa) return nullptr;
  Page* page = pages_.page_of(*pa);
  page->state = PageState::kSlab;
  page->owner = &sc;
  page->inuse = 0;
  // Thread objects in address order so consecutive allocations are adjacent.
  auto* base = static_cast<char*>(virt(*pa));
  FreeObject* head = nullptr;
  for (std::size_t off = kPageSize; off >= sc.object_size;) {
    off -= sc.object_size;
    auto* obj = reinterpret_cast<FreeObject*>(base + off);
    head = new (obj) FreeObject{head, poison_for(obj)};
  }
  page->freelist = head;
  ++sc.pages;
  return page;
}

void KernelHeap::release_slab(SizeClass& sc, Page* page) {
  KASSERT(page->inuse == 0);
  page->state = PageState::kAllocated;  // hand it back as a plain order-0 block
  page->owner = nullptr;
  page->freelist = nullptr;
  --sc.pages;
  pages_.free_pages(pages_.addr_of(page), 0);
}

void KernelHeap::trim() {
  for (SizeClass& sc : classes_) {
    if (sc.empty != nullptr) {
      Page* page = sc.empty;
      sc.empty = nullptr;
      release_slab(sc, page);
    }
  }
}

Page* KernelHeap::owned_page(const void* ptr) const {
  Page* page = pages_.page_of(phys(ptr));
  KASSERT(page != nullptr);  // not in the managed physical span
  const bool slab = page->state == PageState::kSlab && class_of(page) != nullptr;
  const bool large = page->state == PageState::kAllocated && page->owner == this;
  KASSERT(slab || large);  // not a live kmalloc pointer
  return page;
}

KernelHeap::SizeClass* KernelHeap::class_of(const Page* page) const {
  for (const SizeClass& sc : classes_) {
    if (page->owner == &sc) return const_cast<SizeClass*>(&sc);
  }
  return nullptr;
}

std::size_t KernelHeap::usable_size(const void* ptr) const {
  const Page* page = owned_page(ptr);
  if (page->state == PageState::kSlab) return class_of(page)->object_size;
  return kPageSize << page->order;
}

std::size_t KernelHeap::bytes_in_use() const {
  std::size_t total = large_pages_ * kPageSize;
  for (const SizeClass& sc : classes_) total += sc.in_use * sc.object_size;
  return total;
}

SizeClassStats KernelHeap::class_stats(std::size_t index) const {
  KASSERT(index < kNumSizeClasses);
  const SizeClass& sc = classes_[index];
  return {sc.object_size, sc.in_use, sc.pages};
}

}  // namespace mm
