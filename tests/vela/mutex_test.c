/* ostest: mutexes: contention, recursive, errorcheck, timed, robust
 * (EOWNERDEAD, consistent, ENOTRECOVERABLE), static initialiser, bad input,
 * and priority inheritance (PTHREAD_PRIO_INHERIT: low holds, high waits,
 * medium spins: low is boosted and high gets the mutex before medium ends). */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <string.h>
#include <time.h>

#include "ostest.h"

/* picolibc declares it only with _POSIX_TIMERS (the clock API adds it). */
int clock_gettime(clockid_t clock, struct timespec* ts);

static long long mx_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void mx_abs_ms(struct timespec* ts, long ms) {
  clock_gettime(CLOCK_REALTIME, ts);
  ts->tv_nsec += (ms % 1000) * 1000000L;
  ts->tv_sec += ms / 1000 + ts->tv_nsec / 1000000000L;
  ts->tv_nsec %= 1000000000L;
}

static pthread_mutex_t g_mx;
static volatile long g_counter;

static void* contend(void* arg) {
  (void)arg;
  for (int i = 0; i < 2000; i++) {
    pthread_mutex_lock(&g_mx);
    long c = g_counter;
    if ((i & 63) == 0) sched_yield();
    g_counter = c + 1;
    pthread_mutex_unlock(&g_mx);
  }
  return NULL;
}

OSTEST(mutex_contention) {
  pthread_t t[4];
  g_counter = 0;
  OT_ASSERT(pthread_mutex_init(&g_mx, NULL) == 0); /* destroyed at the end: rounds re-init */
  for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, contend, NULL);
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
  OT_EXPECT_EQ(g_counter, 8000);
  OT_EXPECT_EQ(pthread_mutex_destroy(&g_mx), 0);
}

OSTEST(mutex_recursive_and_errorcheck) {
  pthread_mutex_t m;
  pthread_mutexattr_t a;
  int type;
  OT_EXPECT_EQ(pthread_mutexattr_init(&a), 0);
  OT_EXPECT_EQ(pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE), 0);
  OT_EXPECT_EQ(pthread_mutexattr_gettype(&a, &type), 0);
  OT_EXPECT_EQ(type, PTHREAD_MUTEX_RECURSIVE);
  OT_EXPECT_EQ(pthread_mutex_init(&m, &a), 0);
  OT_EXPECT_EQ(pthread_mutex_lock(&m), 0);
  OT_EXPECT_EQ(pthread_mutex_lock(&m), 0);
  OT_EXPECT_EQ(pthread_mutex_trylock(&m), 0);
  OT_EXPECT_EQ(pthread_mutex_unlock(&m), 0);
  OT_EXPECT_EQ(pthread_mutex_unlock(&m), 0);
  OT_EXPECT_EQ(pthread_mutex_destroy(&m), EBUSY); /* still held once */
  OT_EXPECT_EQ(pthread_mutex_unlock(&m), 0);
  OT_EXPECT_EQ(pthread_mutex_unlock(&m), EPERM);
  OT_EXPECT_EQ(pthread_mutex_destroy(&m), 0);

  OT_EXPECT_EQ(pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK), 0);
  OT_EXPECT_EQ(pthread_mutex_init(&m, &a), 0);
  OT_EXPECT_EQ(pthread_mutex_unlock(&m), EPERM);
  OT_EXPECT_EQ(pthread_mutex_lock(&m), 0);
  OT_EXPECT_EQ(pthread_mutex_lock(&m), EDEADLK);
  OT_EXPECT_EQ(pthread_mutex_trylock(&m), EBUSY);
  OT_EXPECT_EQ(pthread_mutex_unlock(&m), 0);
  OT_EXPECT_EQ(pthread_mutex_destroy(&m), 0);
  OT_EXPECT_EQ(pthread_mutexattr_destroy(&a), 0);
}

static pthread_mutex_t g_held;
static sem_t g_locked, g_release;

static void* hold_until_released(void* arg) {
  (void)arg;
  pthread_mutex_lock(&g_held);
  sem_post(&g_locked);
  sem_wait(&g_release);
  pthread_mutex_unlock(&g_held);
  return NULL;
}

static void* try_unlock_foreign(void* arg) {
  (void)arg;
  return (void*)(long)pthread_mutex_unlock(&g_held);
}

OSTEST(mutex_timedlock) {
  pthread_t t, u;
  struct timespec ts;
  void* v;
  pthread_mutex_init(&g_held, NULL);
  sem_init(&g_locked, 0, 0);
  sem_init(&g_release, 0, 0);
  pthread_create(&t, NULL, hold_until_released, NULL);
  sem_wait(&g_locked);
  OT_EXPECT_EQ(pthread_mutex_trylock(&g_held), EBUSY);
  pthread_create(&u, NULL, try_unlock_foreign, NULL);
  pthread_join(u, &v);
  OT_EXPECT_EQ((long)v, EPERM);
  mx_abs_ms(&ts, 50);
  long long t0 = mx_now_ms();
  OT_EXPECT_EQ(pthread_mutex_timedlock(&g_held, &ts), ETIMEDOUT);
  OT_EXPECT(mx_now_ms() - t0 >= 45);
  ts.tv_nsec = 2000000000L;
  OT_EXPECT_EQ(pthread_mutex_timedlock(&g_held, &ts), EINVAL);
  OT_EXPECT_EQ(pthread_mutex_timedlock(&g_held, NULL), EINVAL);
  sem_post(&g_release);
  mx_abs_ms(&ts, 2000);
  OT_EXPECT_EQ(pthread_mutex_timedlock(&g_held, &ts), 0);
  OT_EXPECT_EQ(pthread_mutex_unlock(&g_held), 0);
  pthread_join(t, NULL);
  OT_EXPECT_EQ(pthread_mutex_destroy(&g_held), 0);
  sem_destroy(&g_locked);
  sem_destroy(&g_release);
}

static void* die_holding(void* arg) {
  pthread_mutex_lock((pthread_mutex_t*)arg);
  return NULL; /* exits with the mutex held */
}

OSTEST(mutex_robust) {
  pthread_mutex_t m;
  pthread_mutexattr_t a;
  pthread_t t;
  pthread_mutexattr_init(&a);
  OT_EXPECT_EQ(pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST), 0);
  OT_EXPECT_EQ(pthread_mutex_init(&m, &a), 0);
  pthread_create(&t, NULL, die_holding, &m);
  pthread_join(t, NULL);
  OT_EXPECT_EQ(pthread_mutex_lock(&m), EOWNERDEAD);
  OT_EXPECT_EQ(pthread_mutex_consistent(&m), 0);
  OT_EXPECT_EQ(pthread_mutex_unlock(&m), 0);
  OT_EXPECT_EQ(pthread_mutex_lock(&m), 0); /* recovered */
  OT_EXPECT_EQ(pthread_mutex_consistent(&m), EINVAL);
  OT_EXPECT_EQ(pthread_mutex_unlock(&m), 0);
  /* Unlocked without consistent(): unrecoverable. */
  pthread_create(&t, NULL, die_holding, &m);
  pthread_join(t, NULL);
  OT_EXPECT_EQ(pthread_mutex_lock(&m), EOWNERDEAD);
  OT_EXPECT_EQ(pthread_mutex_unlock(&m), 0);
  OT_EXPECT_EQ(pthread_mutex_lock(&m), ENOTRECOVERABLE);
  OT_EXPECT_EQ(pthread_mutex_trylock(&m), ENOTRECOVERABLE);
  OT_EXPECT_EQ(pthread_mutex_destroy(&m), 0);
  /* A non-robust mutex left by a dead owner is released (NuttX). */
  pthread_mutex_init(&m, NULL);
  pthread_create(&t, NULL, die_holding, &m);
  pthread_join(t, NULL);
  OT_EXPECT_EQ(pthread_mutex_trylock(&m), 0);
  pthread_mutex_unlock(&m);
  pthread_mutex_destroy(&m);
  pthread_mutexattr_destroy(&a);
}

OSTEST(mutex_bad_input) {
  pthread_mutex_t m;
  pthread_mutexattr_t a;
  int v;
  memset(&m, 0, sizeof m);
  OT_EXPECT_EQ(pthread_mutex_lock(&m), EINVAL);
  OT_EXPECT_EQ(pthread_mutex_unlock(&m), EINVAL);
  OT_EXPECT_EQ(pthread_mutex_trylock(NULL), EINVAL);
  OT_EXPECT_EQ(pthread_mutex_lock(NULL), EINVAL);
  OT_EXPECT_EQ(pthread_mutex_init(NULL, NULL), EINVAL);
  OT_EXPECT_EQ(pthread_mutex_destroy(NULL), EINVAL);
  OT_EXPECT_EQ(pthread_mutex_init(&m, NULL), 0);
  OT_EXPECT_EQ(pthread_mutex_destroy(&m), 0);
  OT_EXPECT_EQ(pthread_mutex_lock(&m), EINVAL); /* destroyed */
  OT_EXPECT_EQ(pthread_mutex_destroy(&m), EINVAL);
  OT_EXPECT_EQ(pthread_mutexattr_init(NULL), EINVAL);
  pthread_mutexattr_init(&a);
  OT_EXPECT_EQ(pthread_mutexattr_settype(&a, 9), EINVAL);
  OT_EXPECT_EQ(pthread_mutexattr_setprotocol(&a, 9), EINVAL);
  OT_EXPECT_EQ(pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT), 0);
  OT_EXPECT_EQ(pthread_mutexattr_getprotocol(&a, &v), 0);
  OT_EXPECT_EQ(v, PTHREAD_PRIO_INHERIT);
  OT_EXPECT_EQ(pthread_mutexattr_setrobust(&a, 9), EINVAL);
  OT_EXPECT_EQ(pthread_mutexattr_gettype(&a, NULL), EINVAL);
  pthread_mutexattr_destroy(&a);
  OT_EXPECT_EQ(pthread_mutexattr_settype(&a, PTHREAD_MUTEX_NORMAL), EINVAL);
  OT_EXPECT_EQ(pthread_mutex_init(&m, &a), EINVAL); /* destroyed attr */
}

/* Priority inheritance. */
static pthread_mutex_t g_pi;
static sem_t g_pi_low_has;
static volatile int g_high_done, g_medium_done, g_low_boost;
static volatile int g_high_before_medium;
/* All three run on this one CPU (the test's own), so on a multi-CPU boot
 * "high unblocked before medium finishes" needs the boost too. */
static cpu_set_t g_pi_cpu;

static void pi_pin_self(void) {
  OT_EXPECT_EQ(pthread_setaffinity_np(pthread_self(), sizeof g_pi_cpu, &g_pi_cpu), 0);
}

static void spin_ms(long ms) {
  long long end = mx_now_ms() + ms;
  while (mx_now_ms() < end) {
  }
}

static void* pi_low(void* arg) {
  (void)arg;
  struct sched_param p;
  pi_pin_self();
  pthread_mutex_lock(&g_pi);
  sem_post(&g_pi_low_has);
  /* Work until high's block boosts us, and record the boost. Without
   * inheritance the boost never comes: medium starves us for its 400 ms,
   * then the 30 s hang bound ends the loop and the checks fail. (A fixed
   * 60 ms window here could close before high even started on a loaded
   * host.) */
  long long end = mx_now_ms() + 30000;
  while (mx_now_ms() < end && g_low_boost <= 50) {
    sched_getparam(0, &p);
    if (p.sched_priority > g_low_boost) g_low_boost = p.sched_priority;
  }
  pthread_mutex_unlock(&g_pi);
  return NULL;
}

static void* pi_high(void* arg) {
  (void)arg;
  pi_pin_self();
  pthread_mutex_lock(&g_pi);
  g_high_done = 1;
  if (!g_medium_done) g_high_before_medium = 1;
  pthread_mutex_unlock(&g_pi);
  return NULL;
}

static void* pi_medium(void* arg) {
  (void)arg;
  pi_pin_self();
  spin_ms(400);
  g_medium_done = 1;
  return NULL;
}

static pthread_t pi_start(void* (*fn)(void*), int prio) {
  pthread_attr_t a;
  pthread_t t;
  struct sched_param p = {.sched_priority = prio};
  pthread_attr_init(&a);
  pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED);
  pthread_attr_setschedpolicy(&a, SCHED_FIFO);
  pthread_attr_setschedparam(&a, &p);
  pthread_create(&t, &a, fn, NULL);
  pthread_attr_destroy(&a);
  return t;
}

OSTEST(mutex_priority_inheritance) {
  pthread_mutexattr_t a;
  struct sched_param self, boost = {.sched_priority = 200};
  pthread_t low, high, medium;
  cpu_set_t all;
  OT_ASSERT(sched_getaffinity(0, sizeof all, &all) == 0);
  CPU_ZERO(&g_pi_cpu);
  CPU_SET(sched_getcpu(), &g_pi_cpu);
  /* The test itself stays there too, above all three (below). */
  OT_ASSERT(sched_setaffinity(0, sizeof g_pi_cpu, &g_pi_cpu) == 0);
  OT_EXPECT_EQ(CPU_COUNT(&g_pi_cpu), 1);
  g_high_done = g_medium_done = g_low_boost = g_high_before_medium = 0;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
  OT_EXPECT_EQ(pthread_mutex_init(&g_pi, &a), 0);
  sem_init(&g_pi_low_has, 0, 0);
  sched_getparam(0, &self);
  sched_setparam(0, &boost); /* the test runs above all three */
  low = pi_start(pi_low, 50);
  sem_wait(&g_pi_low_has);
  high = pi_start(pi_high, 150);
  medium = pi_start(pi_medium, 100);
  pthread_join(high, NULL);
  pthread_join(low, NULL);
  pthread_join(medium, NULL);
  sched_setparam(0, &self);
  OT_EXPECT_EQ(sched_setaffinity(0, sizeof all, &all), 0);
  OT_EXPECT_EQ(g_low_boost, 150);
  OT_EXPECT(g_high_done);
  OT_EXPECT(g_high_before_medium);
  pthread_mutex_destroy(&g_pi);
  pthread_mutexattr_destroy(&a);
  sem_destroy(&g_pi_low_has);
}
