// The kernel's global page allocator and heap, each call serialised by one
// IRQ-safe spinlock. Kernel build only; portable code takes a BuddyAllocator
// or KernelHeap by reference instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <klib/result.hpp>
#include <mm/kmalloc.hpp>
#include <mm/page_alloc.hpp>

namespace mm {

// Boot, single CPU, before any other call here: adopts the descriptor array
// for [base, base + npages pages) and the direct-map offset (virt = phys +
// virt_offset). Then release usable RAM with page_allocator().add_free_range().
void heap_init(PhysAddr base, std::size_t npages, Page* descriptors, std::uintptr_t virt_offset);

// Bytes of Page descriptors needed to manage npages (to carve them out at boot).
constexpr std::size_t descriptor_bytes(std::size_t npages) { return npages * sizeof(Page); }

// The raw allocator, unlocked. Only for boot-time setup while one CPU runs,
// and for read-only statistics; everything else goes through the functions below.
BuddyAllocator& page_allocator();

klib::Result<PhysAddr> alloc_pages(unsigned order);
void free_pages(PhysAddr addr, unsigned order);

void* kmalloc(std::size_t size);
void* kzalloc(std::size_t size);  // kmalloc, then zero-filled
void kfree(void* ptr);
std::size_t kmalloc_bytes_in_use();

}  // namespace mm
