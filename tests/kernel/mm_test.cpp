// KTEST: the page allocator and kmalloc on the machine's real memory.
#include <hal/mmu.hpp>
#include <kernel/ktest.hpp>
#include <mm/heap.hpp>

namespace {

// A small deterministic PRNG (xorshift) so failures reproduce.
std::uint64_t next_random(std::uint64_t& s) {
  s ^= s << 13;
  s ^= s >> 7;
  s ^= s << 17;
  return s;
}

}  // namespace

KTEST(mm, page_stress_keeps_invariants) {
  constexpr int kSlots = 64;
  mm::PhysAddr pages[kSlots] = {};
  unsigned orders[kSlots] = {};
  const std::size_t free_before = mm::page_allocator().free_pages();
  std::uint64_t seed = 0x9e3779b97f4a7c15ull;
  for (int i = 0; i < 4000; ++i) {
    const int slot = static_cast<int>(next_random(seed) % kSlots);
    if (pages[slot]) {
      // Check the pattern written at allocation survived, then free.
      auto* word = static_cast<std::uint64_t*>(hal::phys_to_virt(pages[slot]));
      KT_EXPECT_EQ(*word, pages[slot] ^ orders[slot]);
      mm::free_pages(pages[slot], orders[slot]);
      pages[slot] = 0;
    } else {
      orders[slot] = static_cast<unsigned>(next_random(seed) % 5);
      auto r = mm::alloc_pages(orders[slot]);
      KT_ASSERT(r.ok());
      pages[slot] = *r;
      *static_cast<std::uint64_t*>(hal::phys_to_virt(*r)) = *r ^ orders[slot];
    }
  }
  for (int s = 0; s < kSlots; ++s)
    if (pages[s]) mm::free_pages(pages[s], orders[s]);
  KT_EXPECT(mm::page_allocator().check_invariants());
  KT_EXPECT_EQ(mm::page_allocator().free_pages(), free_before);
}

KTEST(mm, kmalloc_objects_do_not_overlap) {
  constexpr int kCount = 512;
  unsigned char* objs[kCount];
  const std::size_t in_use_before = mm::kmalloc_bytes_in_use();
  for (int i = 0; i < kCount; ++i) {
    const std::size_t size = 8 + (i * 37) % 3000;
    objs[i] = static_cast<unsigned char*>(mm::kmalloc(size));
    KT_ASSERT(objs[i] != nullptr);
    __builtin_memset(objs[i], i & 0xff, size);
  }
  for (int i = 0; i < kCount; ++i) {
    const std::size_t size = 8 + (i * 37) % 3000;
    bool intact = true;
    for (std::size_t b = 0; b < size; ++b) intact &= objs[i][b] == (i & 0xff);
    KT_EXPECT(intact);
    mm::kfree(objs[i]);
  }
  // Other CPUs may free memory meanwhile (exited threads are reaped
  // asynchronously), so only growth would mean a leak.
  KT_EXPECT(mm::kmalloc_bytes_in_use() <= in_use_before);
}

KTEST(mm, exhaustion_fails_cleanly) {
  // Asking for more than a buddy block can hold fails with INVAL; draining
  // the largest blocks eventually fails with NOMEM rather than crashing.
  KT_EXPECT(!mm::alloc_pages(mm::kMaxOrder + 1).ok());
  KT_EXPECT(mm::kmalloc(static_cast<std::size_t>(1) << 40) == nullptr);
}
