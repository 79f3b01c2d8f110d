// Kernel-global instances of the buddy allocator and the heap. One lock covers
// both: the heap calls into the buddy allocator while holding it, and a single
// lock keeps the ordering trivial. IRQ-safe because drivers free buffers from
// interrupt context.
#include <klib/assert.hpp>
#include <klib/spinlock.hpp>
#include <mm/heap.hpp>
#include <new>

namespace mm {

namespace {

// Constructed in heap_init rather than as globals with constructors: the boot
// path does not rely on static initialisers having run.
alignas(BuddyAllocator) unsigned char g_buddy_storage[sizeof(BuddyAllocator)];
alignas(KernelHeap) unsigned char g_heap_storage[sizeof(KernelHeap)];
BuddyAllocator* g_buddy = nullptr;
KernelHeap* g_heap = nullptr;
klib::SpinLockIrq g_lock;

}  // namespace

void heap_init(PhysAddr base, std::size_t npages, Page* descriptors, std::uintptr_t virt_offset) {
  KASSERT(g_buddy == nullptr);
  g_buddy = new (g_buddy_storage) BuddyAllocator();
  g_buddy->init(base, npages, descriptors);
  g_heap = new (g_heap_storage) KernelHeap(*g_buddy, virt_offset);
}

BuddyAllocator& page_allocator() {
  KASSERT(g_buddy != nullptr);
  return *g_buddy;
}

klib::Result<PhysAddr> alloc_pages(unsigned order) {
  klib::SpinGuard g(g_lock);
  return g_buddy->alloc_pages(order);
}

void free_pages(PhysAddr addr, unsigned order) {
  klib::SpinGuard g(g_lock);
  g_buddy->free_pages(addr, order);
}

void* kmalloc(std::size_t size) {
  klib::SpinGuard g(g_lock);
  return g_heap->alloc(size);
}

void* kzalloc(std::size_t size) {
  void* p = kmalloc(size);
  // Zeroed outside the lock: only this caller can see the object yet.
  if (p != nullptr) __builtin_memset(p, 0, size);
  return p;
}

void kfree(void* ptr) {
  if (ptr == nullptr) return;
  klib::SpinGuard g(g_lock);
  g_heap->free(ptr);
}

std::size_t kmalloc_bytes_in_use() {
  klib::SpinGuard g(g_lock);
  return g_heap->bytes_in_use();
}

}  // namespace mm
