// Result/TRY and the intrusive list.
#include <gtest/gtest.h>
#include <klib/list.hpp>
#include <klib/result.hpp>

using klib::Err;
using klib::Error;
using klib::Result;

namespace {

Result<int> half(int v) {
  if (v % 2) return Err(Error::INVAL);
  return v / 2;
}

Result<int> quarter(int v) {
  int h = TRY(half(v));
  return TRY(half(h));
}

struct Item {
  int value;
  klib::ListNode node;
};

}  // namespace

TEST(Result, TryPropagatesTheFirstError) {
  EXPECT_EQ(*quarter(8), 2);
  auto r = quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), Error::INVAL);
  EXPECT_STREQ(klib::error_name(r.error()), "EINVAL");
}

TEST(List, PushPopRemoveKeepOrder) {
  klib::List<Item, &Item::node> list;
  Item a{1, {}}, b{2, {}}, c{3, {}};
  list.push_back(&a);
  list.push_back(&b);
  list.push_front(&c);
  EXPECT_EQ(list.size(), 3u);
  list.remove(&a);
  EXPECT_FALSE(a.node.linked());
  EXPECT_EQ(list.pop_front(), &c);
  EXPECT_EQ(list.pop_front(), &b);
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.pop_front(), nullptr);
}
