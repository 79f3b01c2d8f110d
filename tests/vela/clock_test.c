/* ostest: clocks and sleeping: monotonic never goes back, realtime is
 * settable, nanosleep/usleep/clock_nanosleep (relative and TIMER_ABSTIME)
 * sleep at least as asked, bad input returns POSIX errors. */
#include <errno.h>
#include <fusion/time.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "ostest.h"

static long long clk_ns(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

OSTEST(clock_monotonic_never_goes_back) {
  long long prev = clk_ns(CLOCK_MONOTONIC);
  for (int i = 0; i < 10000; i++) {
    long long now = clk_ns(CLOCK_MONOTONIC);
    OT_ASSERT(now >= prev);
    prev = now;
  }
  struct timespec res;
  OT_EXPECT_EQ(clock_getres(CLOCK_MONOTONIC, &res), 0);
  OT_EXPECT(res.tv_sec == 0 && res.tv_nsec > 0);
}

OSTEST(clock_realtime_settable) {
  struct timespec old, set = {1700000000, 0}, now;
  OT_EXPECT_EQ(clock_gettime(CLOCK_REALTIME, &old), 0);
  OT_EXPECT_EQ(clock_settime(CLOCK_REALTIME, &set), 0);
  OT_EXPECT_EQ(clock_gettime(CLOCK_REALTIME, &now), 0);
  OT_EXPECT(now.tv_sec >= 1700000000 &&
            now.tv_sec < 1700000060); /* a loaded host may stall the vCPU */
  struct timeval tv;
  OT_EXPECT_EQ(gettimeofday(&tv, NULL), 0);
  OT_EXPECT(tv.tv_sec >= 1700000000 && tv.tv_usec >= 0 && tv.tv_usec < 1000000);
  OT_EXPECT(time(NULL) >= 1700000000);
  /* Restore roughly: boot-relative again. */
  OT_EXPECT_EQ(clock_settime(CLOCK_REALTIME, &old), 0);
  OT_EXPECT_EQ(clock_settime(CLOCK_MONOTONIC, &set), -1);
  OT_EXPECT_EQ(errno, EPERM);
}

OSTEST(clock_sleeps_last_at_least_as_asked) {
  long long t0 = clk_ns(CLOCK_MONOTONIC);
  struct timespec req = {0, 20000000}, rem = {9, 9};
  OT_EXPECT_EQ(nanosleep(&req, &rem), 0);
  long long t1 = clk_ns(CLOCK_MONOTONIC);
  OT_EXPECT(t1 - t0 >= 20000000LL);
  OT_EXPECT_EQ(usleep(10000), 0);
  OT_EXPECT(clk_ns(CLOCK_MONOTONIC) - t1 >= 10000000LL);
  struct timespec abs;
  clock_gettime(CLOCK_MONOTONIC, &abs);
  abs.tv_nsec += 15000000;
  if (abs.tv_nsec >= 1000000000) {
    abs.tv_sec++;
    abs.tv_nsec -= 1000000000;
  }
  OT_EXPECT_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL), 0);
  OT_EXPECT(clk_ns(CLOCK_MONOTONIC) >= (long long)abs.tv_sec * 1000000000LL + abs.tv_nsec);
  /* An absolute time in the past returns at once. */
  abs.tv_sec = 0;
  OT_EXPECT_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL), 0);
  OT_EXPECT(clock_systime_ticks() > 0);
}

OSTEST(clock_bad_input) {
  struct timespec ts = {0, 1000000000};
  OT_EXPECT_EQ(clock_gettime(CLOCK_MONOTONIC, NULL), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(clock_gettime((clockid_t)99, &ts), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(nanosleep(&ts, NULL), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(nanosleep(NULL, NULL), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  ts.tv_nsec = -1;
  OT_EXPECT_EQ(nanosleep(&ts, NULL), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  ts.tv_nsec = 0;
  ts.tv_sec = -1;
  OT_EXPECT_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL), EINVAL);
  OT_EXPECT_EQ(clock_nanosleep((clockid_t)99, 0, &ts, NULL), EINVAL);
  OT_EXPECT_EQ(clock_settime(CLOCK_REALTIME, NULL), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(gettimeofday(NULL, NULL), -1);
}
