// KTEST: the deliberately failing case that proves the harness reports
// failures (runs only with fusion.ktest_fail=1).
#include <kernel/ktest.hpp>

KTEST_DELIBERATE_FAILURE(harness, deliberate_failure) { KT_EXPECT_EQ(1 + 1, 3); }
