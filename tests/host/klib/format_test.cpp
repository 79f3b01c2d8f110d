// klib::format against the host's snprintf for the conversions it supports.
#include <gtest/gtest.h>
#include <klib/printk.hpp>

#include <cstdio>

namespace {

#define EXPECT_FORMAT_LIKE_LIBC(fmt, ...)                           \
  do {                                                              \
    char ours[128], theirs[128];                                    \
    int a = klib::format(ours, sizeof ours, fmt, __VA_ARGS__);      \
    int b = std::snprintf(theirs, sizeof theirs, fmt, __VA_ARGS__); \
    EXPECT_STREQ(ours, theirs);                                     \
    EXPECT_EQ(a, b);                                                \
  } while (0)

TEST(Format, IntegersMatchLibc) {
  EXPECT_FORMAT_LIKE_LIBC("%d %i %u", -42, 7, 3000000000u);
  EXPECT_FORMAT_LIKE_LIBC("%ld %lu %llx", -1L, 18446744073709551615UL, 0xdeadbeefcafeULL);
  EXPECT_FORMAT_LIKE_LIBC("[%5d] [%-5d] [%05d] [%05d]", 42, 42, 42, -42);
  EXPECT_FORMAT_LIKE_LIBC("%x %X %08x %zu", 255u, 255u, 0xabcu, static_cast<size_t>(99));
}

TEST(Format, StringsAndChars) {
  EXPECT_FORMAT_LIKE_LIBC("%s|%10s|%-10s|%.3s|%c|%%", "abc", "right", "left", "truncate", 'z');
}

TEST(Format, TruncatesAndReportsFullLength) {
  char buf[8];
  int n = klib::format(buf, sizeof buf, "%s", "0123456789");
  EXPECT_EQ(n, 10);
  EXPECT_STREQ(buf, "0123456");
}

TEST(Format, PointerIsZeroPaddedHex) {
  char buf[32];
  klib::format(buf, sizeof buf, "%p", reinterpret_cast<void*>(0x1234));
  EXPECT_STREQ(buf, "0x0000000000001234");
}

}  // namespace
