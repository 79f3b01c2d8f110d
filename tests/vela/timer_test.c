/* ostest: POSIX timers: one-shot and periodic SIGEV_SIGNAL with the
 * sigev_value, SIGEV_THREAD notification, SIGEV_NONE with timer_gettime,
 * absolute expiry, disarming, timer_delete, bad input. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ostest.h"

static volatile int g_tm_count;
static volatile int g_tm_value;
static volatile int g_tm_code;

static void tm_handler(int signo, siginfo_t* info, void* ctx) {
  (void)signo;
  (void)ctx;
  g_tm_value = info->si_value.sival_int;
  g_tm_code = info->si_code;
  g_tm_count++;
}

static void tm_wait(int n, int ms) {
  for (int i = 0; i < ms && g_tm_count < n; i++) usleep(1000);
}

OSTEST(timer_signal_oneshot_and_periodic) {
  struct sigaction act;
  memset(&act, 0, sizeof(act));
  act.sa_sigaction = tm_handler;
  act.sa_flags = SA_SIGINFO;
  sigaction(SIGRTMIN + 2, &act, NULL);
  struct sigevent ev;
  memset(&ev, 0, sizeof(ev));
  ev.sigev_notify = SIGEV_SIGNAL;
  ev.sigev_signo = SIGRTMIN + 2;
  ev.sigev_value.sival_int = 1234;
  timer_t t;
  OT_ASSERT(timer_create(CLOCK_MONOTONIC, &ev, &t) == 0);
  g_tm_count = 0;
  struct itimerspec its;
  memset(&its, 0, sizeof(its));
  its.it_value.tv_nsec = 20000000;
  OT_EXPECT_EQ(timer_settime(t, 0, &its, NULL), 0);
  tm_wait(1, 30000); /* hang bounds, not timing claims */
  OT_EXPECT_EQ(g_tm_count, 1);
  OT_EXPECT_EQ(g_tm_value, 1234);
  OT_EXPECT_EQ(g_tm_code, SI_TIMER);
  usleep(40000);
  OT_EXPECT_EQ(g_tm_count, 1); /* one-shot */
  /* Periodic every 10 ms. */
  its.it_value.tv_nsec = 10000000;
  its.it_interval.tv_nsec = 10000000;
  g_tm_count = 0;
  OT_EXPECT_EQ(timer_settime(t, 0, &its, NULL), 0);
  tm_wait(5, 30000);
  OT_EXPECT(g_tm_count >= 5);
  struct itimerspec cur;
  OT_EXPECT_EQ(timer_gettime(t, &cur), 0);
  OT_EXPECT_EQ(cur.it_interval.tv_nsec, 10000000);
  OT_EXPECT(timer_getoverrun(t) >= 0);
  /* Disarm: no more expirations. */
  memset(&its, 0, sizeof(its));
  OT_EXPECT_EQ(timer_settime(t, 0, &its, &cur), 0);
  OT_EXPECT_EQ(cur.it_interval.tv_nsec, 10000000);
  usleep(20000);
  int n = g_tm_count;
  usleep(40000);
  OT_EXPECT_EQ(g_tm_count, n);
  OT_EXPECT_EQ(timer_delete(t), 0);
  act.sa_handler = SIG_DFL;
  act.sa_flags = 0;
  sigaction(SIGRTMIN + 2, &act, NULL);
}

static volatile int g_tm_thread_val;
static volatile pid_t g_tm_thread_tid;
static void tm_thread_fn(union sigval v) {
  g_tm_thread_tid = pthread_self();
  g_tm_thread_val = v.sival_int;
}

OSTEST(timer_thread_notification) {
  struct sigevent ev;
  memset(&ev, 0, sizeof(ev));
  ev.sigev_notify = SIGEV_THREAD;
  ev.sigev_notify_function = tm_thread_fn;
  ev.sigev_value.sival_int = 4321;
  timer_t t;
  OT_ASSERT(timer_create(CLOCK_REALTIME, &ev, &t) == 0);
  g_tm_thread_val = 0;
  struct itimerspec its;
  memset(&its, 0, sizeof(its));
  /* Absolute expiry on CLOCK_REALTIME, 20 ms from now. */
  clock_gettime(CLOCK_REALTIME, &its.it_value);
  its.it_value.tv_nsec += 20000000;
  if (its.it_value.tv_nsec >= 1000000000) {
    its.it_value.tv_sec++;
    its.it_value.tv_nsec -= 1000000000;
  }
  OT_EXPECT_EQ(timer_settime(t, TIMER_ABSTIME, &its, NULL), 0);
  for (int i = 0; i < 30000 && !g_tm_thread_val; i++) usleep(1000);
  OT_EXPECT_EQ(g_tm_thread_val, 4321);
  OT_EXPECT(g_tm_thread_tid != pthread_self());
  OT_EXPECT_EQ(timer_delete(t), 0);
}

OSTEST(timer_sigev_none_gettime) {
  struct sigevent ev;
  memset(&ev, 0, sizeof(ev));
  ev.sigev_notify = SIGEV_NONE;
  timer_t t;
  OT_ASSERT(timer_create(CLOCK_MONOTONIC, &ev, &t) == 0);
  struct itimerspec its, cur;
  memset(&its, 0, sizeof(its));
  its.it_value.tv_sec = 5;
  OT_EXPECT_EQ(timer_settime(t, 0, &its, NULL), 0);
  OT_EXPECT_EQ(timer_gettime(t, &cur), 0);
  OT_EXPECT(cur.it_value.tv_sec == 4 || cur.it_value.tv_sec == 5);
  OT_EXPECT_EQ(timer_delete(t), 0);
  OT_EXPECT_EQ(timer_gettime(t, &cur), -1); /* deleted */
  OT_EXPECT_EQ(errno, EINVAL);
}

OSTEST(timer_bad_input) {
  struct sigevent ev;
  timer_t t;
  memset(&ev, 0, sizeof(ev));
  OT_EXPECT_EQ(timer_create(CLOCK_MONOTONIC, NULL, NULL), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(timer_create((clockid_t)99, NULL, &t), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  ev.sigev_notify = SIGEV_SIGNAL;
  ev.sigev_signo = 0;
  OT_EXPECT_EQ(timer_create(CLOCK_MONOTONIC, &ev, &t), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  ev.sigev_notify = SIGEV_THREAD;
  OT_EXPECT_EQ(timer_create(CLOCK_MONOTONIC, &ev, &t), -1); /* no function */
  ev.sigev_notify = 42;
  OT_EXPECT_EQ(timer_create(CLOCK_MONOTONIC, &ev, &t), -1);
  OT_EXPECT_EQ(timer_delete((timer_t)0), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(timer_delete((timer_t)9999), -1);
  OT_EXPECT_EQ(timer_getoverrun((timer_t)9999), -1);
  ev.sigev_notify = SIGEV_NONE;
  OT_ASSERT(timer_create(CLOCK_MONOTONIC, &ev, &t) == 0);
  struct itimerspec its;
  memset(&its, 0, sizeof(its));
  its.it_value.tv_nsec = 1000000000;
  OT_EXPECT_EQ(timer_settime(t, 0, &its, NULL), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(timer_settime(t, 0, NULL, NULL), -1);
  OT_EXPECT_EQ(timer_gettime(t, NULL), -1);
  OT_EXPECT_EQ(timer_delete(t), 0);
}
