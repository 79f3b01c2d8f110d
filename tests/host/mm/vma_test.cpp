// VmaSet: insertion order, overlap rejection, removal with splits, resize
// and top-down gap search, plus allocation failure leaving the set intact.
#include <gtest/gtest.h>
#include <mm/vma.hpp>

#include <cstdlib>
#include <vector>

namespace {

using mm::VmaKind;
using mm::VmaSet;

constexpr std::uintptr_t P = VmaSet::kPage;

int g_allocs_left = 1 << 30;
void* counting_alloc(std::size_t n) {
  if (g_allocs_left <= 0) return nullptr;
  --g_allocs_left;
  return std::malloc(n);
}
mm::VmaAllocator allocator() { return {counting_alloc, std::free}; }

std::vector<std::pair<std::uintptr_t, std::uintptr_t>> ranges(const VmaSet& s) {
  std::vector<std::pair<std::uintptr_t, std::uintptr_t>> out;
  s.for_each([&](const mm::Vma& v) { out.emplace_back(v.start, v.end); });
  return out;
}

// Bytes removed, or ~0 on an error.
std::uintptr_t covered(VmaSet& s, std::uintptr_t a, std::uintptr_t b) {
  auto r = s.remove(a, b);
  return r.ok() ? *r : ~std::uintptr_t{0};
}

std::uintptr_t gap(const VmaSet& s, std::size_t len, std::uintptr_t lo, std::uintptr_t hi) {
  auto r = s.find_gap(len, lo, hi);
  return r.ok() ? *r : ~std::uintptr_t{0};
}

class VmaTest : public ::testing::Test {
 protected:
  void SetUp() override { g_allocs_left = 1 << 30; }
};

TEST_F(VmaTest, InsertKeepsOrderAndRejectsOverlapAndMisalignment) {
  VmaSet s(allocator());
  ASSERT_TRUE(s.insert(10 * P, 12 * P, mm::kProtRead, VmaKind::Anonymous).ok());
  ASSERT_TRUE(s.insert(2 * P, 4 * P, mm::kProtRead, VmaKind::Anonymous).ok());
  ASSERT_TRUE(s.insert(6 * P, 8 * P, mm::kProtRead, VmaKind::Anonymous).ok());
  EXPECT_EQ(ranges(s), (decltype(ranges(s)){{2 * P, 4 * P}, {6 * P, 8 * P}, {10 * P, 12 * P}}));
  EXPECT_EQ(s.insert(3 * P, 5 * P, 0, VmaKind::Anonymous).error(), klib::Error::EXIST);
  EXPECT_EQ(s.insert(11 * P, 11 * P, 0, VmaKind::Anonymous).error(), klib::Error::INVAL);
  EXPECT_EQ(s.insert(P + 1, 2 * P, 0, VmaKind::Anonymous).error(), klib::Error::INVAL);
  ASSERT_TRUE(s.insert(4 * P, 6 * P, 0, VmaKind::Anonymous).ok());  // touching is fine
  EXPECT_EQ(s.count(), 4u);
}

TEST_F(VmaTest, FindAndOverlaps) {
  VmaSet s(allocator());
  ASSERT_TRUE(s.insert(2 * P, 4 * P, mm::kProtWrite, VmaKind::Heap).ok());
  ASSERT_NE(s.find(2 * P), nullptr);
  EXPECT_EQ(s.find(3 * P + 5)->kind, VmaKind::Heap);
  EXPECT_EQ(s.find(4 * P), nullptr);
  EXPECT_EQ(s.find(2 * P - 1), nullptr);
  EXPECT_TRUE(s.overlaps(0, 2 * P + 1));
  EXPECT_FALSE(s.overlaps(0, 2 * P));
}

TEST_F(VmaTest, RemoveTrimsSplitsAndDrops) {
  VmaSet s(allocator());
  ASSERT_TRUE(s.insert(0x10 * P, 0x20 * P, mm::kProtRead, VmaKind::Anonymous).ok());
  ASSERT_TRUE(s.insert(0x30 * P, 0x40 * P, mm::kProtRead, VmaKind::Anonymous).ok());
  // Split the first, trim the head of the second.
  EXPECT_EQ(covered(s, 0x14 * P, 0x18 * P), 4 * P);
  EXPECT_EQ(covered(s, 0x2f * P, 0x31 * P), P);
  EXPECT_EQ(ranges(s), (decltype(ranges(s)){
                           {0x10 * P, 0x14 * P}, {0x18 * P, 0x20 * P}, {0x31 * P, 0x40 * P}}));
  // Drop everything across several areas.
  EXPECT_EQ(covered(s, 0, 0x100 * P), (4 + 8 + 15) * P);
  EXPECT_EQ(s.count(), 0u);
  // Nothing there: fine, nothing covered.
  EXPECT_EQ(covered(s, 0, P), 0u);
}

TEST_F(VmaTest, SplitWithoutMemoryChangesNothing) {
  VmaSet s(allocator());
  ASSERT_TRUE(s.insert(0, 8 * P, mm::kProtRead, VmaKind::Anonymous).ok());
  g_allocs_left = 0;
  EXPECT_EQ(s.remove(2 * P, 4 * P).error(), klib::Error::NOMEM);
  EXPECT_EQ(ranges(s), (decltype(ranges(s)){{0, 8 * P}}));
  // Trimming needs no node.
  ASSERT_TRUE(s.remove(0, 2 * P).ok());
  EXPECT_EQ(ranges(s), (decltype(ranges(s)){{2 * P, 8 * P}}));
}

TEST_F(VmaTest, ResizeGrowsUntilTheNextArea) {
  VmaSet s(allocator());
  ASSERT_TRUE(s.insert(0x10 * P, 0x11 * P, mm::kProtWrite, VmaKind::Heap).ok());
  ASSERT_TRUE(s.insert(0x20 * P, 0x21 * P, mm::kProtWrite, VmaKind::Anonymous).ok());
  ASSERT_TRUE(s.resize(0x10 * P, 0x20 * P).ok());
  EXPECT_EQ(s.resize(0x10 * P, 0x20 * P + P).error(), klib::Error::EXIST);
  ASSERT_TRUE(s.resize(0x10 * P, 0x12 * P).ok());
  EXPECT_EQ(s.resize(0x10 * P, 0x10 * P).error(), klib::Error::INVAL);
  EXPECT_EQ(s.resize(0x15 * P, 0x16 * P).error(), klib::Error::INVAL);
  EXPECT_EQ(s.find(0x11 * P)->end, 0x12 * P);
}

TEST_F(VmaTest, FindGapIsTopDownAndRespectsBounds) {
  VmaSet s(allocator());
  EXPECT_EQ(gap(s, 4 * P, 0x100 * P, 0x200 * P), 0x1fc * P);
  ASSERT_TRUE(s.insert(0x1f0 * P, 0x200 * P, 0, VmaKind::Anonymous).ok());
  EXPECT_EQ(gap(s, 4 * P, 0x100 * P, 0x200 * P), 0x1ec * P);
  // A hole of 2 pages between two areas fits 2 but not 3.
  ASSERT_TRUE(s.insert(0x100 * P, 0x1ea * P, 0, VmaKind::Anonymous).ok());
  EXPECT_EQ(gap(s, 2 * P, 0x100 * P, 0x200 * P), 0x1ee * P);
  EXPECT_EQ(s.find_gap(7 * P, 0x100 * P, 0x200 * P).error(), klib::Error::NOMEM);
  EXPECT_EQ(s.find_gap(0, 0, 0x200 * P).error(), klib::Error::NOMEM);
  EXPECT_EQ(s.find_gap(P + 1, 0, 0x200 * P).error(), klib::Error::NOMEM);
}

}  // namespace

namespace {

TEST_F(VmaTest, ProtectSplitsAtBothEndsAndNeedsFullCover) {
  VmaSet s(allocator());
  ASSERT_TRUE(s.insert(0x10 * P, 0x20 * P, mm::kProtRead, VmaKind::Anonymous).ok());
  ASSERT_TRUE(s.protect(0x12 * P, 0x14 * P, mm::kProtRead | mm::kProtWrite).ok());
  EXPECT_EQ(ranges(s), (decltype(ranges(s)){
                           {0x10 * P, 0x12 * P}, {0x12 * P, 0x14 * P}, {0x14 * P, 0x20 * P}}));
  EXPECT_EQ(s.find(0x13 * P)->prot, mm::kProtRead | mm::kProtWrite);
  EXPECT_EQ(s.find(0x11 * P)->prot, mm::kProtRead);
  EXPECT_EQ(s.find(0x15 * P)->prot, mm::kProtRead);
  // Across two areas, splitting the outer ends.
  ASSERT_TRUE(s.protect(0x11 * P, 0x13 * P, 0).ok());
  EXPECT_EQ(s.count(), 5u);
  EXPECT_EQ(s.find(0x11 * P)->prot, 0u);
  EXPECT_EQ(s.find(0x12 * P)->prot, 0u);
  EXPECT_EQ(s.find(0x13 * P)->prot, mm::kProtRead | mm::kProtWrite);
  // A hole: ENOMEM, nothing changed.
  EXPECT_EQ(s.protect(0x1f * P, 0x21 * P, 0).error(), klib::Error::NOMEM);
  EXPECT_EQ(s.find(0x1f * P)->prot, mm::kProtRead);
  // No node for the split: NOMEM, nothing changed.
  g_allocs_left = 0;
  EXPECT_EQ(s.protect(0x16 * P, 0x17 * P, 0).error(), klib::Error::NOMEM);
  EXPECT_EQ(s.count(), 5u);
  // Whole areas need no node.
  ASSERT_TRUE(s.protect(0x10 * P, 0x14 * P, mm::kProtExec).ok());
  EXPECT_EQ(s.find(0x10 * P)->prot, mm::kProtExec);
}

}  // namespace
