// KernelHeap: size classes, alignment, large blocks, slab caching, exhaustion
// and the pointer checks on free.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include "fake_ram.hpp"

using mm::KernelHeap;
using mm::kPageSize;
using mm::kSizeClasses;
using mm_test::FakeRam;

namespace {

struct HeapRam {
  explicit HeapRam(std::size_t npages) : ram(npages, true), heap(ram.buddy, ram.offset()) {
    ram.add_all();
  }
  FakeRam ram;
  KernelHeap heap;
};

}  // namespace

TEST(Kmalloc, RejectsZeroAndAbsurdSizes) {
  HeapRam h(64);
  EXPECT_EQ(h.heap.alloc(0), nullptr);
  EXPECT_EQ(h.heap.alloc(mm::kMaxAllocation + 1), nullptr);
  EXPECT_EQ(h.heap.alloc(std::numeric_limits<std::size_t>::max()), nullptr);
  EXPECT_EQ(h.heap.bytes_in_use(), 0u);
  EXPECT_EQ(h.ram.buddy.free_pages(), 64u);
  h.heap.free(nullptr);  // allowed, no effect
}

TEST(Kmalloc, SizesRoundUpToTheirClassAndAlign) {
  HeapRam h(64);
  std::size_t expected_bytes = 0;
  std::vector<void*> live;
  for (std::size_t size : {1, 15, 16, 17, 32, 33, 100, 128, 129, 500, 1000, 1025, 2047, 2048}) {
    void* p = h.heap.alloc(size);
    ASSERT_NE(p, nullptr) << size;
    std::size_t cls = 16;
    while (cls < size) cls *= 2;
    EXPECT_EQ(h.heap.usable_size(p), cls) << size;
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % std::min<std::size_t>(cls, 16), 0u);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % cls, 0u);  // in fact size-aligned
    std::memset(p, 0xab, cls);  // ASan flags it if the object leaves the arena
    expected_bytes += cls;
    live.push_back(p);
  }
  EXPECT_EQ(h.heap.bytes_in_use(), expected_bytes);
  EXPECT_EQ(h.heap.class_stats(0).objects_in_use, 3u);  // 1, 15, 16
  EXPECT_EQ(h.heap.class_stats(7).objects_in_use, 3u);  // 1025, 2047, 2048
  for (void* p : live) h.heap.free(p);
  EXPECT_EQ(h.heap.bytes_in_use(), 0u);
}

TEST(Kmalloc, ObjectsPackASlabPageThenANewPageIsTaken) {
  HeapRam h(64);
  std::vector<char*> objs;
  for (std::size_t i = 0; i < kPageSize / 16; ++i)
    objs.push_back(static_cast<char*>(h.heap.alloc(16)));
  EXPECT_EQ(h.heap.class_stats(0).slab_pages, 1u);
  EXPECT_EQ(h.ram.buddy.free_pages(), 63u);
  // Consecutive objects of a fresh slab are adjacent and all distinct.
  for (std::size_t i = 1; i < objs.size(); ++i) EXPECT_EQ(objs[i] - objs[i - 1], 16);
  objs.push_back(static_cast<char*>(h.heap.alloc(16)));
  EXPECT_EQ(h.heap.class_stats(0).slab_pages, 2u);
  EXPECT_EQ(h.ram.buddy.free_pages(), 62u);
  for (char* p : objs) h.heap.free(p);
  // One empty slab is cached, the other went back to the buddy allocator.
  EXPECT_EQ(h.heap.class_stats(0).slab_pages, 1u);
  EXPECT_EQ(h.ram.buddy.free_pages(), 63u);
  h.heap.trim();
  EXPECT_EQ(h.heap.class_stats(0).slab_pages, 0u);
  EXPECT_EQ(h.ram.buddy.free_pages(), 64u);
  EXPECT_TRUE(h.ram.buddy.check_invariants());
}

TEST(Kmalloc, CachedEmptySlabIsReused) {
  HeapRam h(8);
  void* a = h.heap.alloc(64);
  h.heap.free(a);
  EXPECT_EQ(h.ram.buddy.free_pages(), 7u);
  void* b = h.heap.alloc(64);
  EXPECT_EQ(h.ram.buddy.free_pages(), 7u);  // no new page
  EXPECT_EQ(a, b);
  h.heap.free(b);
}

TEST(Kmalloc, LargeAllocationsUseWholeBuddyBlocks) {
  HeapRam h(64);
  void* a = h.heap.alloc(2049);
  void* b = h.heap.alloc(4097);
  void* c = h.heap.alloc(3 * kPageSize);
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(h.heap.usable_size(a), kPageSize);
  EXPECT_EQ(h.heap.usable_size(b), 2 * kPageSize);
  EXPECT_EQ(h.heap.usable_size(c), 4 * kPageSize);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(c) % kPageSize, 0u);
  EXPECT_EQ(h.heap.large_pages_in_use(), 7u);
  EXPECT_EQ(h.heap.bytes_in_use(), 7 * kPageSize);
  EXPECT_EQ(h.ram.buddy.free_pages(), 57u);
  std::memset(c, 0x5a, 4 * kPageSize);
  h.heap.free(b);
  h.heap.free(a);
  h.heap.free(c);
  EXPECT_EQ(h.heap.bytes_in_use(), 0u);
  EXPECT_EQ(h.ram.buddy.free_pages(), 64u);
  EXPECT_TRUE(h.ram.buddy.check_invariants());
}

TEST(Kmalloc, MaximalAllocationSucceedsWhenABlockIsFree) {
  HeapRam h(1 << mm::kMaxOrder);
  void* p = h.heap.alloc(mm::kMaxAllocation);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(h.ram.buddy.free_pages(), 0u);
  EXPECT_EQ(h.heap.alloc(16), nullptr);
  h.heap.free(p);
  EXPECT_EQ(h.ram.buddy.free_pages(), std::size_t{1} << mm::kMaxOrder);
}

TEST(Kmalloc, ExhaustionGivesNullptrAndRecovers) {
  HeapRam h(8);
  std::vector<void*> live;
  while (void* p = h.heap.alloc(2048)) live.push_back(p);
  EXPECT_EQ(live.size(), 16u);  // two per page
  EXPECT_EQ(h.heap.alloc(16), nullptr);
  EXPECT_EQ(h.heap.alloc(10000), nullptr);
  EXPECT_EQ(h.ram.buddy.free_pages(), 0u);
  for (void* p : live) h.heap.free(p);
  EXPECT_EQ(h.heap.bytes_in_use(), 0u);
  h.heap.trim();
  EXPECT_EQ(h.ram.buddy.free_pages(), 8u);
  EXPECT_TRUE(h.ram.buddy.check_invariants());
}

TEST(Kmalloc, CachedSlabsAreTrimmedWhenMemoryRunsOut) {
  HeapRam h(2);
  void* small = h.heap.alloc(32);
  h.heap.free(small);  // class 32 now caches an empty page
  void* big = h.heap.alloc(4096);
  ASSERT_NE(big, nullptr);
  // The only page left is the cached one; a different class must reclaim it.
  void* other = h.heap.alloc(512);
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(h.heap.class_stats(1).slab_pages, 0u);
  EXPECT_EQ(h.heap.class_stats(5).slab_pages, 1u);
  h.heap.free(other);
  h.heap.free(big);
}

TEST(Kmalloc, PerClassStatsTrackObjectsAndPages) {
  HeapRam h(16);
  for (std::size_t i = 0; i < kSizeClasses.size(); ++i) {
    EXPECT_EQ(h.heap.class_stats(i).object_size, kSizeClasses[i]);
  }
  void* a = h.heap.alloc(200);
  void* b = h.heap.alloc(256);
  auto s = h.heap.class_stats(4);
  EXPECT_EQ(s.objects_in_use, 2u);
  EXPECT_EQ(s.slab_pages, 1u);
  h.heap.free(a);
  h.heap.free(b);
  EXPECT_EQ(h.heap.class_stats(4).objects_in_use, 0u);
}

using KmallocDeath = ::testing::Test;

TEST(KmallocDeath, DoubleFreeOfASmallObject) {
  HeapRam h(8);
  void* keep = h.heap.alloc(64);  // keeps the slab alive across the frees
  void* p = h.heap.alloc(64);
  h.heap.free(p);
  EXPECT_DEATH(h.heap.free(p), "KASSERT failed");
  h.heap.free(keep);
}

TEST(KmallocDeath, DoubleFreeOfALargeBlock) {
  HeapRam h(8);
  void* p = h.heap.alloc(3 * kPageSize);
  h.heap.free(p);
  EXPECT_DEATH(h.heap.free(p), "KASSERT failed");
}

TEST(KmallocDeath, InteriorPointers) {
  HeapRam h(8);
  char* small = static_cast<char*>(h.heap.alloc(64));
  char* large = static_cast<char*>(h.heap.alloc(2 * kPageSize));
  EXPECT_DEATH(h.heap.free(small + 16), "object_size");
  EXPECT_DEATH(h.heap.free(large + 64), "is_page_aligned");
  EXPECT_DEATH(h.heap.free(large + kPageSize), "not a live|slab \\|\\| large");
}

TEST(KmallocDeath, ForeignPointers) {
  HeapRam h(8);
  int on_stack = 0;
  EXPECT_DEATH(h.heap.free(&on_stack), "KASSERT failed");
  // Inside the span but a page the buddy allocator owns, not the heap.
  mm::PhysAddr pa = *h.ram.buddy.alloc_pages(0);
  EXPECT_DEATH(h.heap.free(h.ram.virt(pa)), "slab \\|\\| large");
}
