/* ostest: condition variables: producer/consumer with signal, broadcast
 * waking every waiter, timed waits on CLOCK_REALTIME and CLOCK_MONOTONIC,
 * the static initialiser, and bad input. */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "ostest.h"

/* picolibc declares it only with _POSIX_TIMERS (the clock API adds it). */
int clock_gettime(clockid_t clock, struct timespec* ts);

static void cv_abs_ms(clockid_t clock, struct timespec* ts, long ms) {
  clock_gettime(clock, ts);
  ts->tv_nsec += (ms % 1000) * 1000000L;
  ts->tv_sec += ms / 1000 + ts->tv_nsec / 1000000000L;
  ts->tv_nsec %= 1000000000L;
}

static pthread_mutex_t g_cm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cv = PTHREAD_COND_INITIALIZER;
static volatile int g_items, g_consumed, g_woken, g_go_all;

static void* consumer(void* arg) {
  (void)arg;
  for (int i = 0; i < 50; i++) {
    pthread_mutex_lock(&g_cm);
    while (g_items == 0) pthread_cond_wait(&g_cv, &g_cm);
    g_items--;
    g_consumed++;
    pthread_mutex_unlock(&g_cm);
  }
  return NULL;
}

OSTEST(cond_producer_consumer) {
  pthread_t t;
  g_items = g_consumed = 0;
  pthread_create(&t, NULL, consumer, NULL);
  for (int i = 0; i < 50; i++) {
    pthread_mutex_lock(&g_cm);
    g_items++;
    OT_EXPECT_EQ(pthread_cond_signal(&g_cv), 0);
    pthread_mutex_unlock(&g_cm);
    if ((i & 7) == 0) sched_yield();
  }
  pthread_join(t, NULL);
  OT_EXPECT_EQ(g_consumed, 50);
}

static void* waiter(void* arg) {
  (void)arg;
  pthread_mutex_lock(&g_cm);
  while (!g_go_all) pthread_cond_wait(&g_cv, &g_cm);
  g_woken++;
  pthread_mutex_unlock(&g_cm);
  return NULL;
}

OSTEST(cond_broadcast) {
  pthread_t t[4];
  g_woken = 0;
  g_go_all = 0;
  for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, waiter, NULL);
  sched_yield();
  pthread_mutex_lock(&g_cm);
  g_go_all = 1;
  OT_EXPECT_EQ(pthread_cond_broadcast(&g_cv), 0);
  pthread_mutex_unlock(&g_cm);
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
  OT_EXPECT_EQ(g_woken, 4);
}

OSTEST(cond_timedwait_clocks) {
  pthread_cond_t c;
  pthread_condattr_t a;
  struct timespec ts;
  clockid_t clk;
  OT_EXPECT_EQ(pthread_condattr_init(&a), 0);
  OT_EXPECT_EQ(pthread_condattr_setclock(&a, CLOCK_MONOTONIC), 0);
  OT_EXPECT_EQ(pthread_condattr_getclock(&a, &clk), 0);
  OT_EXPECT_EQ(clk, CLOCK_MONOTONIC);
  OT_EXPECT_EQ(pthread_cond_init(&c, &a), 0);
  pthread_mutex_lock(&g_cm);
  cv_abs_ms(CLOCK_MONOTONIC, &ts, 30);
  OT_EXPECT_EQ(pthread_cond_timedwait(&c, &g_cm, &ts), ETIMEDOUT);
  OT_EXPECT_EQ(pthread_mutex_unlock(&g_cm), 0); /* reacquired after the timeout */
  OT_EXPECT_EQ(pthread_cond_destroy(&c), 0);
  OT_EXPECT_EQ(pthread_cond_init(&c, NULL), 0); /* CLOCK_REALTIME */
  pthread_mutex_lock(&g_cm);
  cv_abs_ms(CLOCK_REALTIME, &ts, 30);
  OT_EXPECT_EQ(pthread_cond_timedwait(&c, &g_cm, &ts), ETIMEDOUT);
  ts.tv_nsec = -5;
  OT_EXPECT_EQ(pthread_cond_timedwait(&c, &g_cm, &ts), EINVAL);
  OT_EXPECT_EQ(pthread_cond_timedwait(&c, &g_cm, NULL), EINVAL);
  pthread_mutex_unlock(&g_cm);
  OT_EXPECT_EQ(pthread_cond_destroy(&c), 0);
  pthread_condattr_destroy(&a);
}

OSTEST(cond_bad_input) {
  pthread_cond_t c;
  pthread_condattr_t a;
  pthread_mutex_t m;
  memset(&c, 0, sizeof c);
  OT_EXPECT_EQ(pthread_cond_signal(&c), EINVAL);
  OT_EXPECT_EQ(pthread_cond_broadcast(NULL), EINVAL);
  OT_EXPECT_EQ(pthread_cond_init(NULL, NULL), EINVAL);
  OT_EXPECT_EQ(pthread_cond_init(&c, NULL), 0);
  pthread_mutex_init(&m, NULL);
  OT_EXPECT_EQ(pthread_cond_wait(&c, &m), EPERM); /* mutex not held */
  OT_EXPECT_EQ(pthread_cond_wait(&c, NULL), EINVAL);
  OT_EXPECT_EQ(pthread_cond_destroy(&c), 0);
  OT_EXPECT_EQ(pthread_cond_signal(&c), EINVAL); /* destroyed */
  OT_EXPECT_EQ(pthread_cond_wait(&c, &m), EINVAL);
  OT_EXPECT_EQ(pthread_condattr_init(NULL), EINVAL);
  pthread_condattr_init(&a);
  OT_EXPECT_EQ(pthread_condattr_setclock(&a, 99), EINVAL);
  pthread_condattr_destroy(&a);
  OT_EXPECT_EQ(pthread_condattr_destroy(&a), EINVAL);
  pthread_mutex_destroy(&m);
}
