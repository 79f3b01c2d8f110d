/* ostest: NuttX watchdogs: one-shot expiry after the delay, re-arming,
 * cancellation, re-start from the handler, wd_gettime, bad input. */
#include <errno.h>
#include <nuttx/wdog.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ostest.h"

static volatile int g_wd_fired;
static volatile wdparm_t g_wd_arg;
static volatile long long g_wd_when;

static long long wd_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void wd_handler(wdparm_t arg) {
  g_wd_arg = arg;
  g_wd_when = wd_now_ms();
  g_wd_fired++;
}

OSTEST(wdog_fires_once_after_delay) {
  static struct wdog_s wd;
  memset(&wd, 0, sizeof(wd));
  g_wd_fired = 0;
  long long t0 = wd_now_ms();
  OT_EXPECT_EQ(wd_start(&wd, MSEC2TICK(50), wd_handler, 0x1234), 0);
  OT_EXPECT(WDOG_ISACTIVE(&wd));
  sclock_t left = wd_gettime(&wd);
  /* 0 only if it already expired (a stalled vCPU can get there). */
  OT_EXPECT(left <= MSEC2TICK(50) && (left > 0 || wd_now_ms() - t0 >= 50));
  for (int i = 0; i < 3000 && !g_wd_fired; i++) usleep(10000);
  OT_EXPECT_EQ(g_wd_fired, 1);
  OT_EXPECT_EQ(g_wd_arg, 0x1234);
  OT_EXPECT(g_wd_when - t0 >= 50);
  OT_EXPECT(!WDOG_ISACTIVE(&wd));
  OT_EXPECT_EQ(wd_gettime(&wd), 0);
  usleep(60000);
  OT_EXPECT_EQ(g_wd_fired, 1);
}

OSTEST(wdog_cancel_and_restart) {
  static struct wdog_s wd;
  g_wd_fired = 0;
  OT_EXPECT_EQ(wd_start(&wd, MSEC2TICK(40), wd_handler, 1), 0);
  OT_EXPECT_EQ(wd_cancel(&wd), 0);
  OT_EXPECT_EQ(wd_cancel(&wd), -EINVAL);
  usleep(60000);
  OT_EXPECT_EQ(g_wd_fired, 0);
  /* Re-arming moves the deadline. */
  OT_EXPECT_EQ(wd_start(&wd, MSEC2TICK(500), wd_handler, 2), 0);
  OT_EXPECT_EQ(wd_start(&wd, MSEC2TICK(20), wd_handler, 3), 0);
  for (int i = 0; i < 3000 && !g_wd_fired; i++) usleep(10000);
  OT_EXPECT_EQ(g_wd_fired, 1);
  OT_EXPECT_EQ(g_wd_arg, 3);
}

static struct wdog_s g_wd_periodic;
static void wd_rearm(wdparm_t arg) {
  g_wd_fired++;
  if (g_wd_fired < (int)arg) wd_start(&g_wd_periodic, 1, wd_rearm, arg);
}

OSTEST(wdog_restart_from_handler) {
  g_wd_fired = 0;
  OT_EXPECT_EQ(wd_start(&g_wd_periodic, 1, wd_rearm, 5), 0);
  for (int i = 0; i < 3000 && g_wd_fired < 5; i++) usleep(10000);
  OT_EXPECT_EQ(g_wd_fired, 5);
  usleep(30000);
  OT_EXPECT_EQ(g_wd_fired, 5);
}

OSTEST(wdog_bad_input) {
  static struct wdog_s wd;
  OT_EXPECT_EQ(wd_start(NULL, 1, wd_handler, 0), -EINVAL);
  OT_EXPECT_EQ(wd_start(&wd, -1, wd_handler, 0), -EINVAL);
  OT_EXPECT_EQ(wd_start(&wd, 1, NULL, 0), -EINVAL);
  OT_EXPECT_EQ(wd_cancel(NULL), -EINVAL);
  OT_EXPECT_EQ(wd_gettime(NULL), 0);
}
