// BuddyAllocator: range release, splitting, merging, alignment and error paths.
#include <gtest/gtest.h>

#include <vector>

#include "fake_ram.hpp"

using klib::Error;
using mm::BuddyAllocator;
using mm::kMaxOrder;
using mm::kPageSize;
using mm::PageState;
using mm::PhysAddr;
using mm_test::FakeRam;
using mm_test::kFakeBase;

namespace {

// Free-block counts per order, for compact expectations.
std::vector<std::size_t> blocks(const BuddyAllocator& b) {
  std::vector<std::size_t> v;
  for (unsigned o = 0; o <= kMaxOrder; ++o) v.push_back(b.free_blocks(o));
  return v;
}

}  // namespace

TEST(Buddy, StartsWithEverythingReserved) {
  FakeRam ram(64);
  EXPECT_EQ(ram.buddy.total_pages(), 0u);
  EXPECT_EQ(ram.buddy.free_pages(), 0u);
  EXPECT_EQ(ram.buddy.span_pages(), 64u);
  EXPECT_EQ(ram.desc(5)->state, PageState::kReserved);
  auto r = ram.buddy.alloc_pages(0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), Error::NOMEM);
  EXPECT_TRUE(ram.buddy.check_invariants());
}

TEST(Buddy, WholeSpanBecomesMaxOrderBlocks) {
  FakeRam ram(2048);
  ram.add_all();
  EXPECT_EQ(ram.buddy.total_pages(), 2048u);
  EXPECT_EQ(ram.buddy.free_pages(), 2048u);
  EXPECT_EQ(ram.buddy.free_blocks(kMaxOrder), 2u);
  for (unsigned o = 0; o < kMaxOrder; ++o) EXPECT_EQ(ram.buddy.free_blocks(o), 0u) << o;
  EXPECT_TRUE(ram.buddy.check_invariants());
}

TEST(Buddy, UnalignedRangeSplitsIntoAlignedBlocks) {
  FakeRam ram(16);
  ram.buddy.add_free_range(ram.page(1), ram.page(8));  // pages 1..7: 1 + 2 + 4
  EXPECT_EQ(ram.buddy.free_pages(), 7u);
  std::vector<std::size_t> want(kMaxOrder + 1, 0);
  want[0] = want[1] = want[2] = 1;
  EXPECT_EQ(blocks(ram.buddy), want);
  EXPECT_EQ(ram.desc(0)->state, PageState::kReserved);
  EXPECT_EQ(ram.desc(8)->state, PageState::kReserved);
  EXPECT_TRUE(ram.buddy.check_invariants());
}

TEST(Buddy, RangeIsRoundedInwardsToWholePages) {
  FakeRam ram(16);
  ram.buddy.add_free_range(ram.page(1) - 1, ram.page(3) - 1);  // only page 1 is whole
  EXPECT_EQ(ram.buddy.free_pages(), 1u);
  EXPECT_EQ(ram.desc(1)->state, PageState::kFree);
  EXPECT_EQ(ram.desc(2)->state, PageState::kReserved);
  ram.buddy.add_free_range(ram.page(4) + 1, ram.page(5) + 100);  // no whole page
  EXPECT_EQ(ram.buddy.free_pages(), 1u);
  EXPECT_TRUE(ram.buddy.check_invariants());
}

TEST(Buddy, AdjacentRangesMergeAcrossCalls) {
  FakeRam ram(1024);
  ram.buddy.add_free_range(ram.page(512), ram.page(1024));
  ram.buddy.add_free_range(ram.page(0), ram.page(3));
  ram.buddy.add_free_range(ram.page(3), ram.page(512));
  EXPECT_EQ(ram.buddy.free_blocks(kMaxOrder), 1u);
  EXPECT_EQ(ram.buddy.free_pages(), 1024u);
  EXPECT_TRUE(ram.buddy.check_invariants());
}

TEST(Buddy, ReservedHoleIsNeverHandedOut) {
  FakeRam ram(64);
  ram.buddy.add_free_range(ram.page(0), ram.page(20));
  ram.buddy.add_free_range(ram.page(21), ram.page(64));  // page 20 stays reserved
  EXPECT_EQ(ram.buddy.total_pages(), 63u);
  std::vector<PhysAddr> got;
  while (auto r = ram.buddy.alloc_pages(0)) got.push_back(*r);
  EXPECT_EQ(got.size(), 63u);
  for (PhysAddr a : got) EXPECT_NE(a, ram.page(20));
  EXPECT_TRUE(ram.buddy.check_invariants());
  for (PhysAddr a : got) ram.buddy.free_pages(a, 0);
  EXPECT_EQ(ram.buddy.free_pages(), 63u);
  EXPECT_EQ(ram.desc(20)->state, PageState::kReserved);
  EXPECT_TRUE(ram.buddy.check_invariants());
}

TEST(Buddy, OrderAboveMaxIsInvalid) {
  FakeRam ram(1024);
  ram.add_all();
  auto r = ram.buddy.alloc_pages(kMaxOrder + 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), Error::INVAL);
  EXPECT_EQ(ram.buddy.free_pages(), 1024u);
}

TEST(Buddy, NoBlockLargeEnoughIsNomem) {
  FakeRam ram(1024);
  ram.buddy.add_free_range(ram.page(0), ram.page(1000));
  auto r = ram.buddy.alloc_pages(kMaxOrder);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), Error::NOMEM);
  EXPECT_TRUE(ram.buddy.alloc_pages(kMaxOrder - 1).ok());
}

TEST(Buddy, SplitLeavesOneBlockPerOrderAndMergesBack) {
  FakeRam ram(1024);
  ram.add_all();
  auto r = ram.buddy.alloc_pages(0);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, kFakeBase);  // lowest half is kept at each split
  EXPECT_EQ(ram.buddy.free_pages(), 1023u);
  for (unsigned o = 0; o < kMaxOrder; ++o) EXPECT_EQ(ram.buddy.free_blocks(o), 1u) << o;
  EXPECT_EQ(ram.buddy.free_blocks(kMaxOrder), 0u);
  EXPECT_EQ(ram.desc(0)->state, PageState::kAllocated);
  EXPECT_EQ(ram.desc(512)->state, PageState::kFree);
  EXPECT_EQ(ram.desc(512)->order, 9u);
  EXPECT_TRUE(ram.buddy.check_invariants());
  ram.buddy.free_pages(*r, 0);
  EXPECT_EQ(ram.buddy.free_blocks(kMaxOrder), 1u);
  EXPECT_EQ(ram.buddy.free_pages(), 1024u);
  EXPECT_TRUE(ram.buddy.check_invariants());
}

TEST(Buddy, BuddiesMergeOnlyWhenBothFree) {
  FakeRam ram(2);
  ram.add_all();
  auto a = ram.buddy.alloc_pages(0);
  auto b = ram.buddy.alloc_pages(0);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*b - *a, kPageSize);
  ram.buddy.free_pages(*b, 0);
  EXPECT_EQ(ram.buddy.free_blocks(0), 1u);
  EXPECT_EQ(ram.buddy.free_blocks(1), 0u);
  ram.buddy.free_pages(*a, 0);
  EXPECT_EQ(ram.buddy.free_blocks(0), 0u);
  EXPECT_EQ(ram.buddy.free_blocks(1), 1u);
  EXPECT_TRUE(ram.buddy.check_invariants());
}

TEST(Buddy, EveryOrderIsNaturallyAligned) {
  FakeRam ram(4096, false, kFakeBase + 5 * kPageSize);  // span itself misaligned
  ram.add_all();
  std::vector<std::pair<PhysAddr, unsigned>> live;
  for (unsigned o = 0; o <= kMaxOrder; ++o) {
    auto r = ram.buddy.alloc_pages(o);
    ASSERT_TRUE(r.ok()) << o;
    EXPECT_EQ(*r % (kPageSize << o), 0u) << o;
    EXPECT_GE(*r, ram.base());
    EXPECT_LE(*r + (kPageSize << o), ram.end());
    live.emplace_back(*r, o);
  }
  EXPECT_TRUE(ram.buddy.check_invariants());
  for (auto [a, o] : live) ram.buddy.free_pages(a, o);
  EXPECT_EQ(ram.buddy.free_pages(), 4096u);
  EXPECT_TRUE(ram.buddy.check_invariants());
}

TEST(Buddy, BlocksStopAtSpanEdgesWhenBaseIsMisaligned) {
  FakeRam ram(16, false, 3 * kPageSize);  // pfns 3..18: 3 | 4-7 | 8-15 | 16-17 | 18
  ram.add_all();
  std::vector<std::size_t> want(kMaxOrder + 1, 0);
  want[0] = 2;
  want[1] = want[2] = want[3] = 1;
  EXPECT_EQ(blocks(ram.buddy), want);
  EXPECT_EQ(ram.buddy.free_pages(), 16u);
  EXPECT_TRUE(ram.buddy.check_invariants());
}

TEST(Buddy, PageOfAndAddrOfRoundTrip) {
  FakeRam ram(8);
  EXPECT_EQ(ram.buddy.page_of(ram.page(3)), ram.desc(3));
  EXPECT_EQ(ram.buddy.page_of(ram.page(3) + 123), ram.desc(3));
  EXPECT_EQ(ram.buddy.addr_of(ram.desc(7)), ram.page(7));
  EXPECT_EQ(ram.buddy.page_of(ram.base() - 1), nullptr);
  EXPECT_EQ(ram.buddy.page_of(ram.end()), nullptr);
  EXPECT_EQ(ram.buddy.free_blocks(kMaxOrder + 1), 0u);
}

TEST(Buddy, ExhaustionAndFullRecovery) {
  FakeRam ram(1024);
  ram.add_all();
  std::vector<PhysAddr> got;
  for (;;) {
    auto r = ram.buddy.alloc_pages(0);
    if (!r) {
      EXPECT_EQ(r.error(), Error::NOMEM);
      break;
    }
    got.push_back(*r);
  }
  EXPECT_EQ(got.size(), 1024u);
  EXPECT_EQ(ram.buddy.free_pages(), 0u);
  EXPECT_TRUE(ram.buddy.check_invariants());
  for (PhysAddr a : got) ram.buddy.free_pages(a, 0);
  EXPECT_EQ(ram.buddy.free_blocks(kMaxOrder), 1u);
}

TEST(Buddy, FragmentationFailsCleanlyThenHeals) {
  FakeRam ram(1 << kMaxOrder);
  ram.add_all();
  std::vector<PhysAddr> pages;
  while (auto r = ram.buddy.alloc_pages(0)) pages.push_back(*r);
  ASSERT_EQ(pages.size(), std::size_t{1} << kMaxOrder);
  for (std::size_t i = 0; i < pages.size(); i += 2) ram.buddy.free_pages(pages[i], 0);
  EXPECT_EQ(ram.buddy.free_pages(), pages.size() / 2);
  EXPECT_EQ(ram.buddy.free_blocks(0), pages.size() / 2);
  auto r = ram.buddy.alloc_pages(1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), Error::NOMEM);
  EXPECT_TRUE(ram.buddy.check_invariants());
  for (std::size_t i = 1; i < pages.size(); i += 2) ram.buddy.free_pages(pages[i], 0);
  auto big = ram.buddy.alloc_pages(kMaxOrder);
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(*big, kFakeBase);
}

TEST(Buddy, CheckInvariantsDetectsCorruption) {
  FakeRam ram(64);
  ram.add_all();
  ASSERT_TRUE(ram.buddy.check_invariants());
  ram.desc(1)->state = PageState::kAllocated;  // a "head" inside a free block
  EXPECT_FALSE(ram.buddy.check_invariants());
  ram.desc(1)->state = PageState::kTail;
  ASSERT_TRUE(ram.buddy.check_invariants());
  ram.desc(0)->order = 5;  // head filed under order 6 but claims 5
  EXPECT_FALSE(ram.buddy.check_invariants());
}

using BuddyDeath = ::testing::Test;

TEST(BuddyDeath, DoubleFree) {
  FakeRam ram(4);
  ram.add_all();
  PhysAddr a = *ram.buddy.alloc_pages(0);
  ram.buddy.free_pages(a, 0);
  EXPECT_DEATH(ram.buddy.free_pages(a, 0), "KASSERT failed");
}

TEST(BuddyDeath, WrongOrder) {
  FakeRam ram(4);
  ram.add_all();
  PhysAddr a = *ram.buddy.alloc_pages(1);
  EXPECT_DEATH(ram.buddy.free_pages(a, 0), "head->order == order");
}

TEST(BuddyDeath, TailPageOfABlock) {
  FakeRam ram(4);
  ram.add_all();
  PhysAddr a = *ram.buddy.alloc_pages(2);
  EXPECT_DEATH(ram.buddy.free_pages(a + kPageSize, 0), "KASSERT failed");
}

TEST(BuddyDeath, BadAddresses) {
  FakeRam ram(4);
  ram.add_all();
  PhysAddr a = *ram.buddy.alloc_pages(0);
  EXPECT_DEATH(ram.buddy.free_pages(a + 8, 0), "is_page_aligned");
  EXPECT_DEATH(ram.buddy.free_pages(ram.end(), 0), "nullptr");
  EXPECT_DEATH(ram.buddy.free_pages(a, kMaxOrder + 1), "kMaxOrder");
}

TEST(BuddyDeath, ReleasingARangeTwice) {
  FakeRam ram(4);
  ram.add_all();
  EXPECT_DEATH(ram.buddy.add_free_range(ram.page(1), ram.page(2)), "kReserved");
  EXPECT_DEATH(ram.buddy.add_free_range(ram.page(0), ram.end() + kPageSize), "KASSERT failed");
}
