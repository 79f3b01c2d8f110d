// Copy-on-write accounting (mm/cow.hpp) and the VMA copy fork uses: a page
// shared by fork is read-only in every sharer until the last one is left,
// memory goes back when the last sharer drops it, and a failed VMA copy
// leaves nothing behind.
#include <gtest/gtest.h>
#include <mm/cow.hpp>
#include <mm/vma.hpp>

#include <cstdlib>
#include <vector>

namespace {

using mm::CowAction;

TEST(Cow, FreshPageIsPrivateAndWritable) {
  mm::Page p;
  mm::page_ref_init(&p);
  EXPECT_EQ(mm::page_refs(&p), 1u);
  EXPECT_EQ(mm::cow_write_action(&p), CowAction::Reuse);
  EXPECT_EQ(mm::cow_page_prot(mm::kProtRead | mm::kProtWrite, &p), mm::kProtRead | mm::kProtWrite);
}

TEST(Cow, SharedPageIsReadOnlyAndCopiedOnWrite) {
  mm::Page p;
  mm::page_ref_init(&p);
  mm::page_ref_get(&p);  // fork
  EXPECT_EQ(mm::page_refs(&p), 2u);
  EXPECT_EQ(mm::cow_page_prot(mm::kProtRead | mm::kProtWrite | mm::kProtExec, &p),
            mm::kProtRead | mm::kProtExec);
  EXPECT_EQ(mm::cow_write_action(&p), CowAction::Copy);
  // The writer copies and drops its reference: the other sharer is now alone.
  EXPECT_FALSE(mm::page_ref_put(&p));
  EXPECT_EQ(mm::cow_write_action(&p), CowAction::Reuse);
  EXPECT_EQ(mm::cow_page_prot(mm::kProtRead | mm::kProtWrite, &p), mm::kProtRead | mm::kProtWrite);
}

TEST(Cow, LastSharerFreesAfterAChainOfForks) {
  mm::Page p;
  mm::page_ref_init(&p);
  for (int i = 0; i < 200; ++i) mm::page_ref_get(&p);  // 200 children
  int frees = 0;
  for (int i = 0; i < 201; ++i) frees += mm::page_ref_put(&p) ? 1 : 0;
  EXPECT_EQ(frees, 1);  // exactly once, by the last one
  EXPECT_EQ(mm::page_refs(&p), 0u);
}

TEST(Cow, ReadOnlyAreaStaysReadOnly) {
  mm::Page p;
  mm::page_ref_init(&p);
  EXPECT_EQ(mm::cow_page_prot(mm::kProtRead, &p), mm::kProtRead);
  mm::page_ref_get(&p);
  EXPECT_EQ(mm::cow_page_prot(mm::kProtRead | mm::kProtExec, &p), mm::kProtRead | mm::kProtExec);
}

int g_allocs_left = 1 << 30;
void* counting_alloc(std::size_t n) {
  if (g_allocs_left <= 0) return nullptr;
  --g_allocs_left;
  return std::malloc(n);
}
mm::VmaAllocator allocator() { return {counting_alloc, std::free}; }

std::vector<std::pair<std::uintptr_t, unsigned>> areas(const mm::VmaSet& s) {
  std::vector<std::pair<std::uintptr_t, unsigned>> out;
  s.for_each([&](const mm::Vma& v) { out.emplace_back(v.start, v.prot); });
  return out;
}

TEST(CowVma, CopyIsIndependentOfTheOriginal) {
  constexpr std::uintptr_t P = mm::VmaSet::kPage;
  g_allocs_left = 1 << 30;
  mm::VmaSet parent(allocator()), child(allocator());
  ASSERT_TRUE(parent.insert(10 * P, 20 * P, mm::kProtRead, mm::VmaKind::Anonymous).ok());
  ASSERT_TRUE(
      parent.insert(30 * P, 40 * P, mm::kProtRead | mm::kProtWrite, mm::VmaKind::Heap).ok());
  ASSERT_TRUE(child.copy_from(parent).ok());
  EXPECT_EQ(areas(child), areas(parent));
  EXPECT_EQ(child.find(35 * P)->kind, mm::VmaKind::Heap);
  // Changing one leaves the other alone.
  ASSERT_TRUE(child.remove(10 * P, 20 * P).ok());
  EXPECT_EQ(parent.count(), 2u);
  EXPECT_EQ(child.count(), 1u);
  EXPECT_EQ(child.copy_from(parent).error(), klib::Error::INVAL);  // not empty
}

TEST(CowVma, FailedCopyLeavesAnEmptySet) {
  constexpr std::uintptr_t P = mm::VmaSet::kPage;
  g_allocs_left = 1 << 30;
  mm::VmaSet parent(allocator()), child(allocator());
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(parent.insert((10 + 2 * i) * P, (11 + 2 * i) * P, 1, mm::VmaKind::Anonymous).ok());
  g_allocs_left = 3;
  EXPECT_EQ(child.copy_from(parent).error(), klib::Error::NOMEM);
  EXPECT_EQ(child.count(), 0u);
  g_allocs_left = 1 << 30;
  EXPECT_TRUE(child.copy_from(parent).ok());
  EXPECT_EQ(child.count(), 5u);
}

}  // namespace
