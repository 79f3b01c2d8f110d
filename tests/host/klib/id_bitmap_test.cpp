// klib::IdBitmap: the ASID allocator's algorithm (hal/asid_pool.hpp).
#include <klib/id_bitmap.hpp>

#include <gtest/gtest.h>

TEST(IdBitmap, HandsOutLowestFirstAndNeverZero) {
  klib::IdBitmap<64> ids;
  ids.set_limit(4);
  EXPECT_EQ(ids.take_lowest(), 1u);
  EXPECT_EQ(ids.take_lowest(), 2u);
  EXPECT_EQ(ids.take_lowest(), 3u);
  EXPECT_EQ(ids.take_lowest(), 0u);  // 1..3 taken: none left
  EXPECT_FALSE(ids.in_use(0));
}

TEST(IdBitmap, FreedIdIsReusedAndBadFreesAreIgnored) {
  klib::IdBitmap<128> ids;
  ids.set_limit(128);
  for (unsigned i = 1; i < 128; ++i) ASSERT_EQ(ids.take_lowest(), i);
  EXPECT_EQ(ids.take_lowest(), 0u);
  ids.give_back(70);
  ids.give_back(70);   // twice: still one free id
  ids.give_back(0);    // the reserved id
  ids.give_back(500);  // out of range
  EXPECT_FALSE(ids.in_use(70));
  EXPECT_EQ(ids.take_lowest(), 70u);
  EXPECT_EQ(ids.take_lowest(), 0u);
}

TEST(IdBitmap, LimitIsClampedToCapacityAndZeroLimitGivesNothing) {
  klib::IdBitmap<64> ids;
  EXPECT_EQ(ids.take_lowest(), 0u);  // no limit set: nothing to hand out
  ids.set_limit(1000);
  EXPECT_EQ(ids.limit(), 64u);
  unsigned n = 0;
  while (ids.take_lowest()) ++n;
  EXPECT_EQ(n, 63u);  // 1..63
}
