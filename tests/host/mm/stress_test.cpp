// Randomised stress of BuddyAllocator and KernelHeap sharing one fake RAM span
// with reserved holes. Every block is stamped with a pattern that is checked on
// free, so overlapping hand-outs or stray writes by the allocators show up.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <vector>

#include "fake_ram.hpp"

using mm::kMaxOrder;
using mm::kPageSize;
using mm::PhysAddr;
using mm_test::FakeRam;

namespace {

constexpr std::size_t kPages = 4096;  // 16 MiB
constexpr int kOps = 100'000;

struct LivePages {
  PhysAddr addr;
  unsigned order;
  std::uint64_t tag;
};
struct LiveObject {
  unsigned char* ptr;
  std::size_t size;
  std::uint64_t tag;
};

constexpr std::size_t kMaxObject = 1 << 20;

// Object i-th byte is (shift + i) mod 256 with a per-object shift, copied from
// one reference ramp so stamping and checking 1 MiB objects stay memcpy-fast.
const unsigned char* ramp() {
  static std::vector<unsigned char> r = [] {
    std::vector<unsigned char> v(kMaxObject + 256);
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<unsigned char>(i);
    return v;
  }();
  return r.data();
}
std::size_t shift_of(std::uint64_t tag) { return (tag * 131) & 0xff; }

class Stress : public ::testing::Test {
 protected:
  Stress() : ram_(kPages, true), heap_(ram_.buddy, ram_.offset()) {
    // RAM minus a few reserved holes (firmware, kernel image, initrd...).
    ram_.buddy.add_free_range(ram_.page(1), ram_.page(700));
    ram_.buddy.add_free_range(ram_.page(703), ram_.page(2048));
    ram_.buddy.add_free_range(ram_.page(2048), ram_.page(3001));
    ram_.buddy.add_free_range(ram_.page(3050), ram_.page(kPages));
    total_ = ram_.buddy.total_pages();
  }

  void stamp_pages(const LivePages& b) {
    for (std::size_t i = 0; i < (std::size_t{1} << b.order); ++i) {
      const std::uint64_t v = b.tag ^ i;
      std::memcpy(ram_.virt(b.addr + i * kPageSize), &v, sizeof v);
    }
  }
  void check_pages(const LivePages& b) {
    for (std::size_t i = 0; i < (std::size_t{1} << b.order); ++i) {
      std::uint64_t v;
      std::memcpy(&v, ram_.virt(b.addr + i * kPageSize), sizeof v);
      ASSERT_EQ(v, b.tag ^ i) << "page block " << std::hex << b.addr << " page " << i;
    }
  }
  void stamp_object(const LiveObject& o) { std::memcpy(o.ptr, ramp() + shift_of(o.tag), o.size); }
  void check_object(const LiveObject& o) {
    ASSERT_EQ(std::memcmp(o.ptr, ramp() + shift_of(o.tag), o.size), 0)
        << "object of " << o.size << " bytes was overwritten";
  }

  // Pages held by live page blocks, slabs and large kmalloc blocks, plus the
  // free pages, must add up to exactly what was released.
  void check_accounting() {
    ASSERT_TRUE(ram_.buddy.check_invariants());
    std::size_t held = heap_.large_pages_in_use(), bytes = 0;
    for (std::size_t c = 0; c < mm::kNumSizeClasses; ++c) held += heap_.class_stats(c).slab_pages;
    for (const auto& b : pages_) held += std::size_t{1} << b.order;
    for (const auto& o : objects_) bytes += heap_.usable_size(o.ptr);
    ASSERT_EQ(held + ram_.buddy.free_pages(), total_);
    ASSERT_EQ(bytes, heap_.bytes_in_use());
  }

  FakeRam ram_;
  mm::KernelHeap heap_;
  std::size_t total_ = 0;
  std::vector<LivePages> pages_;
  std::vector<LiveObject> objects_;
};

TEST_F(Stress, RandomAllocFreeKeepsInvariants) {
  std::mt19937_64 rng(0xf051'0123);
  auto pick = [&](std::uint64_t n) { return static_cast<std::size_t>(rng() % n); };
  std::size_t page_nomem = 0, heap_nomem = 0, page_ok = 0, heap_ok = 0;
  std::uint64_t next_tag = 1;

  for (int op = 0; op < kOps; ++op) {
    // Alternate alloc-heavy and free-heavy phases so the run both fills memory
    // (exercising NOMEM and fragmentation) and drains it (exercising merges).
    const bool filling = (op / 5000) % 2 == 0;
    const std::size_t roll = pick(100);
    const std::size_t alloc_share = filling ? 65 : 35;
    if (roll < alloc_share / 2) {
      const unsigned order = pick(100) < 60 ? 0 : static_cast<unsigned>(pick(kMaxOrder + 1));
      auto r = ram_.buddy.alloc_pages(order);
      if (!r) {
        ASSERT_EQ(r.error(), klib::Error::NOMEM);
        ++page_nomem;
        continue;
      }
      ASSERT_EQ(*r % (kPageSize << order), 0u);
      ASSERT_GE(*r, ram_.base());
      ASSERT_LE(*r + (kPageSize << order), ram_.end());
      pages_.push_back({*r, order, next_tag++});
      stamp_pages(pages_.back());
      ++page_ok;
    } else if (roll < alloc_share) {
      const std::size_t kind = pick(100);
      const std::size_t size = kind < 85   ? 1 + pick(2048)
                               : kind < 98 ? 2049 + pick(64 * 1024)
                                           : 1 + pick(kMaxObject);
      auto* p = static_cast<unsigned char*>(heap_.alloc(size));
      if (p == nullptr) {
        ++heap_nomem;
        continue;
      }
      ASSERT_EQ(
          reinterpret_cast<std::uintptr_t>(p) % std::min<std::size_t>(heap_.usable_size(p), 16),
          0u);
      ASSERT_GE(heap_.usable_size(p), size);
      objects_.push_back({p, size, next_tag++});
      stamp_object(objects_.back());
      ++heap_ok;
    } else if (!pages_.empty() || !objects_.empty()) {
      const bool take_page = objects_.empty() || (!pages_.empty() && pick(2) == 0);
      if (take_page) {
        const std::size_t i = pick(pages_.size());
        ASSERT_NO_FATAL_FAILURE(check_pages(pages_[i]));
        ram_.buddy.free_pages(pages_[i].addr, pages_[i].order);
        pages_[i] = pages_.back();
        pages_.pop_back();
      } else {
        const std::size_t i = pick(objects_.size());
        ASSERT_NO_FATAL_FAILURE(check_object(objects_[i]));
        heap_.free(objects_[i].ptr);
        objects_[i] = objects_.back();
        objects_.pop_back();
      }
    }
    if (op % 997 == 0) ASSERT_NO_FATAL_FAILURE(check_accounting()) << "op " << op;
  }
  // The run must actually have hit both success and exhaustion on both paths.
  EXPECT_GT(page_ok, 1000u);
  EXPECT_GT(heap_ok, 1000u);
  EXPECT_GT(page_nomem, 0u);
  EXPECT_GT(heap_nomem, 0u);

  ASSERT_NO_FATAL_FAILURE(check_accounting());
  for (const auto& b : pages_) {
    ASSERT_NO_FATAL_FAILURE(check_pages(b));
    ram_.buddy.free_pages(b.addr, b.order);
  }
  for (const auto& o : objects_) {
    ASSERT_NO_FATAL_FAILURE(check_object(o));
    heap_.free(o.ptr);
  }
  pages_.clear();
  objects_.clear();
  EXPECT_EQ(heap_.bytes_in_use(), 0u);
  EXPECT_EQ(heap_.large_pages_in_use(), 0u);
  heap_.trim();
  EXPECT_EQ(ram_.buddy.free_pages(), total_);
  EXPECT_TRUE(ram_.buddy.check_invariants());
  // Fully drained memory coalesces again: each aligned 4 MiB window without a
  // hole is one block (windows 1 and 3 are whole; 0 and 2 contain holes).
  EXPECT_EQ(ram_.buddy.free_blocks(kMaxOrder), 2u);
  EXPECT_TRUE(ram_.buddy.alloc_pages(kMaxOrder).ok());
}

}  // namespace
