// Tick/ns conversion: exact at whole seconds, no overflow near 2^64 ticks,
// rounding directions that keep timers from firing early.
#include <gtest/gtest.h>
#include <sched/time.hpp>

using sched::ns_to_ticks_ceil;
using sched::ticks_to_ns;

TEST(Time, ConvertsAtCommonFrequencies) {
  EXPECT_EQ(ticks_to_ns(62'500'000, 62'500'000), 1'000'000'000u);
  EXPECT_EQ(ticks_to_ns(1, 62'500'000), 16u);  // 16 ns per tick
  EXPECT_EQ(ticks_to_ns(10, 10'000'000), 1000u);
  EXPECT_EQ(ns_to_ticks_ceil(10'000'000, 62'500'000), 625'000u);
  EXPECT_EQ(ns_to_ticks_ceil(1, 10'000'000), 1u);  // rounds up
  EXPECT_EQ(ns_to_ticks_ceil(0, 10'000'000), 0u);
}

TEST(Time, NoOverflowForDecadesOfUptime) {
  const std::uint64_t f = 62'500'000;
  const std::uint64_t ten_years_s = 10ull * 365 * 24 * 3600;
  EXPECT_EQ(ticks_to_ns(ten_years_s * f + f / 2, f),
            ten_years_s * 1'000'000'000ull + 500'000'000ull);
  EXPECT_EQ(ns_to_ticks_ceil(ten_years_s * 1'000'000'000ull, f), ten_years_s * f);
}

TEST(Time, RoundTripNeverFiresEarly) {
  for (std::uint64_t f : {10'000'000ull, 62'500'000ull, 24'000'000ull, 19'200'000ull}) {
    for (std::uint64_t ns = 0; ns < 5'000'000; ns += 997) {
      const std::uint64_t t = ns_to_ticks_ceil(ns, f);
      EXPECT_GE(ticks_to_ns(t, f), ns) << f << " " << ns;
      if (t > 0) EXPECT_LT(ticks_to_ns(t - 1, f), ns) << f << " " << ns;
    }
  }
}
