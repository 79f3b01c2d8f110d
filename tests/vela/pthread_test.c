/* ostest: pthreads: create/join with values, attributes, detach,
 * pthread_exit, self/equal, keys with destructors, once, deferred
 * cancellation (blocked in sem_wait, disabled state, testcancel), cleanup
 * handlers, and bad input. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdint.h>
#include <time.h>

#include "ostest.h"

/* picolibc declares it only with _POSIX_TIMERS (the clock API adds it). */
int clock_gettime(clockid_t clock, struct timespec* ts);

static void pt_sleep_ms(long ms) {
  sem_t s;
  struct timespec ts;
  sem_init(&s, 0, 0);
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_nsec += (ms % 1000) * 1000000L;
  ts.tv_sec += ms / 1000 + ts.tv_nsec / 1000000000L;
  ts.tv_nsec %= 1000000000L;
  sem_timedwait(&s, &ts);
  sem_destroy(&s);
}

static void* add_one(void* arg) { return (void*)((intptr_t)arg + 1); }

static void* exit_early(void* arg) {
  pthread_exit((void*)((intptr_t)arg * 2));
  return NULL;
}

OSTEST(pthread_create_join) {
  pthread_t t[4];
  void* v = NULL;
  for (int i = 0; i < 4; i++)
    OT_EXPECT_EQ(pthread_create(&t[i], NULL, add_one, (void*)(intptr_t)i), 0);
  for (int i = 0; i < 4; i++) {
    OT_EXPECT_EQ(pthread_join(t[i], &v), 0);
    OT_EXPECT_EQ((intptr_t)v, i + 1);
  }
  OT_EXPECT_EQ(pthread_join(t[0], &v), ESRCH); /* already joined */
  OT_EXPECT_EQ(pthread_create(&t[0], NULL, exit_early, (void*)21), 0);
  OT_EXPECT_EQ(pthread_join(t[0], &v), 0);
  OT_EXPECT_EQ((intptr_t)v, 42);
  OT_EXPECT(pthread_equal(pthread_self(), pthread_self()));
  OT_EXPECT(!pthread_equal(pthread_self(), t[0]));
  OT_EXPECT_EQ(pthread_join(pthread_self(), &v), EDEADLK);
}

static sem_t g_done;
static void* post_done(void* arg) {
  (void)arg;
  sem_post(&g_done);
  return NULL;
}

OSTEST(pthread_attrs_and_detach) {
  pthread_attr_t a;
  pthread_t t;
  struct sched_param p;
  int v;
  size_t sz;
  sem_init(&g_done, 0, 0);
  OT_EXPECT_EQ(pthread_attr_init(&a), 0);
  OT_EXPECT_EQ(pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED), 0);
  OT_EXPECT_EQ(pthread_attr_getdetachstate(&a, &v), 0);
  OT_EXPECT_EQ(v, PTHREAD_CREATE_DETACHED);
  OT_EXPECT_EQ(pthread_attr_setstacksize(&a, 16384), 0);
  OT_EXPECT_EQ(pthread_attr_getstacksize(&a, &sz), 0);
  OT_EXPECT_EQ(sz, 16384);
  OT_EXPECT_EQ(pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED), 0);
  OT_EXPECT_EQ(pthread_attr_setschedpolicy(&a, SCHED_FIFO), 0);
  p.sched_priority = 90;
  OT_EXPECT_EQ(pthread_attr_setschedparam(&a, &p), 0);
  OT_EXPECT_EQ(pthread_create(&t, &a, post_done, NULL), 0);
  OT_EXPECT_EQ(sem_wait(&g_done), 0);
  /* Detached: EINVAL (not joinable) while it finishes, ESRCH once it is
   * gone; how long "finishes" takes is up to the host (30 s hang bound). */
  int jr = EINVAL;
  for (int i = 0; i < 30000 && jr == EINVAL; ++i) {
    jr = pthread_join(t, NULL);
    if (jr == EINVAL) pt_sleep_ms(1);
  }
  OT_EXPECT_EQ(jr, ESRCH);
  /* detach after create */
  pthread_attr_setdetachstate(&a, PTHREAD_CREATE_JOINABLE);
  OT_EXPECT_EQ(pthread_create(&t, &a, post_done, NULL), 0);
  OT_EXPECT_EQ(pthread_detach(t), 0);
  OT_EXPECT_EQ(sem_wait(&g_done), 0);
  OT_EXPECT_EQ(pthread_attr_destroy(&a), 0);
  /* bad input */
  OT_EXPECT_EQ(pthread_attr_setdetachstate(&a, 0), EINVAL); /* destroyed */
  OT_EXPECT_EQ(pthread_attr_init(NULL), EINVAL);
  pthread_attr_init(&a);
  OT_EXPECT_EQ(pthread_attr_setdetachstate(&a, 7), EINVAL);
  OT_EXPECT_EQ(pthread_attr_setstacksize(&a, 16), EINVAL);
  OT_EXPECT_EQ(pthread_attr_setschedpolicy(&a, 99), EINVAL);
  p.sched_priority = 300;
  OT_EXPECT_EQ(pthread_attr_setschedparam(&a, &p), EINVAL);
  OT_EXPECT_EQ(pthread_attr_setschedparam(&a, NULL), EINVAL);
  OT_EXPECT_EQ(pthread_create(NULL, &a, post_done, NULL), EINVAL);
  OT_EXPECT_EQ(pthread_create(&t, &a, NULL, NULL), EINVAL);
  OT_EXPECT_EQ(pthread_join(-3, NULL), ESRCH);
  OT_EXPECT_EQ(pthread_detach(99999), ESRCH);
  OT_EXPECT_EQ(pthread_cancel(99999), ESRCH);
  pthread_attr_destroy(&a);
  sem_destroy(&g_done);
}

static pthread_key_t g_key;
static volatile int g_dtor_calls;
static void key_dtor(void* v) {
  if (v == (void*)0x1234) g_dtor_calls++;
}
static void* use_key(void* arg) {
  (void)arg;
  if (pthread_getspecific(g_key) != NULL) return (void*)1;
  pthread_setspecific(g_key, (void*)0x1234);
  return pthread_getspecific(g_key) == (void*)0x1234 ? NULL : (void*)2;
}

OSTEST(pthread_keys) {
  pthread_t t;
  void* v = (void*)9;
  g_dtor_calls = 0;
  OT_EXPECT_EQ(pthread_key_create(&g_key, key_dtor), 0);
  OT_EXPECT_EQ(pthread_setspecific(g_key, (void*)0x77), 0);
  OT_EXPECT_EQ(pthread_create(&t, NULL, use_key, NULL), 0);
  OT_EXPECT_EQ(pthread_join(t, &v), 0);
  OT_EXPECT(v == NULL);
  OT_EXPECT_EQ(g_dtor_calls, 1);
  OT_EXPECT(pthread_getspecific(g_key) == (void*)0x77); /* ours is separate */
  OT_EXPECT_EQ(pthread_key_delete(g_key), 0);
  OT_EXPECT_EQ(pthread_key_delete(g_key), EINVAL);
  OT_EXPECT_EQ(pthread_setspecific(g_key, (void*)1), EINVAL);
  OT_EXPECT(pthread_getspecific(g_key) == NULL);
  OT_EXPECT_EQ(pthread_key_create(NULL, NULL), EINVAL);
  OT_EXPECT_EQ(pthread_key_delete(-1), EINVAL);
  OT_EXPECT_EQ(pthread_key_delete(1000), EINVAL);
}

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static volatile int g_once_calls;
static void once_fn(void) { g_once_calls++; }
static void* call_once(void* arg) {
  (void)arg;
  pthread_once(&g_once, once_fn);
  return NULL;
}

OSTEST(pthread_once) {
  pthread_t t[3];
  for (int i = 0; i < 3; i++) pthread_create(&t[i], NULL, call_once, NULL);
  call_once(NULL);
  for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
  OT_EXPECT_EQ(g_once_calls, 1);
  OT_EXPECT_EQ(pthread_once(NULL, once_fn), EINVAL);
  OT_EXPECT_EQ(pthread_once(&g_once, NULL), EINVAL);
}

static sem_t g_block;
static volatile int g_cleanup_ran;
static volatile int g_after_wait;
static void cleanup(void* arg) { g_cleanup_ran += (int)(intptr_t)arg; }

static void* wait_forever(void* arg) {
  (void)arg;
  pthread_cleanup_push(cleanup, (void*)1);
  sem_wait(&g_block);
  g_after_wait = 1;
  pthread_cleanup_pop(0);
  return NULL;
}

OSTEST(pthread_cancel_blocked) {
  pthread_t t;
  void* v = NULL;
  g_cleanup_ran = 0;
  g_after_wait = 0;
  sem_init(&g_block, 0, 0);
  OT_EXPECT_EQ(pthread_create(&t, NULL, wait_forever, NULL), 0);
  pt_sleep_ms(10);
  OT_EXPECT_EQ(pthread_cancel(t), 0);
  OT_EXPECT_EQ(pthread_join(t, &v), 0);
  OT_EXPECT(v == PTHREAD_CANCELED);
  OT_EXPECT_EQ(g_cleanup_ran, 1);
  OT_EXPECT_EQ(g_after_wait, 0);
  sem_destroy(&g_block);
}

static volatile int g_go;
static void* cancel_disabled(void* arg) {
  int old;
  (void)arg;
  pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
  while (!g_go) sched_yield();
  pthread_testcancel(); /* disabled: nothing happens */
  pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
  pthread_cleanup_push(cleanup, (void*)10);
  pthread_testcancel(); /* acts here */
  pthread_cleanup_pop(0);
  return (void*)5;
}

OSTEST(pthread_cancel_state_and_testcancel) {
  pthread_t t;
  void* v = NULL;
  int old;
  g_cleanup_ran = 0;
  g_go = 0;
  OT_EXPECT_EQ(pthread_create(&t, NULL, cancel_disabled, NULL), 0);
  OT_EXPECT_EQ(pthread_cancel(t), 0);
  g_go = 1;
  OT_EXPECT_EQ(pthread_join(t, &v), 0);
  OT_EXPECT(v == PTHREAD_CANCELED);
  OT_EXPECT_EQ(g_cleanup_ran, 10);
  OT_EXPECT_EQ(pthread_setcancelstate(5, &old), EINVAL);
  OT_EXPECT_EQ(pthread_setcanceltype(5, &old), EINVAL);
}

static void* cleanup_order(void* arg) {
  (void)arg;
  pthread_cleanup_push(cleanup, (void*)100);
  pthread_cleanup_push(cleanup, (void*)20);
  pthread_cleanup_pop(1); /* runs: +20 */
  pthread_cleanup_push(cleanup, (void*)3);
  pthread_exit(NULL); /* runs +3 then +100 */
  pthread_cleanup_pop(0);
  pthread_cleanup_pop(0);
  return NULL;
}

OSTEST(pthread_cleanup_and_exit) {
  pthread_t t;
  g_cleanup_ran = 0;
  OT_EXPECT_EQ(pthread_create(&t, NULL, cleanup_order, NULL), 0);
  OT_EXPECT_EQ(pthread_join(t, NULL), 0);
  OT_EXPECT_EQ(g_cleanup_ran, 123);
}

static void* report_prio(void* arg) {
  (void)arg;
  struct sched_param p;
  int policy;
  pthread_getschedparam(pthread_self(), &policy, &p);
  return (void*)(intptr_t)(p.sched_priority * 10 + policy);
}

OSTEST(pthread_schedparam) {
  pthread_t t;
  pthread_attr_t a;
  struct sched_param p = {.sched_priority = 77};
  void* v = NULL;
  int policy;
  pthread_attr_init(&a);
  pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED);
  pthread_attr_setschedpolicy(&a, SCHED_FIFO);
  pthread_attr_setschedparam(&a, &p);
  OT_EXPECT_EQ(pthread_create(&t, &a, report_prio, NULL), 0);
  OT_EXPECT_EQ(pthread_join(t, &v), 0);
  OT_EXPECT_EQ((intptr_t)v, 77 * 10 + SCHED_FIFO);
  OT_EXPECT_EQ(pthread_getschedparam(pthread_self(), &policy, &p), 0);
  OT_EXPECT_EQ(pthread_getschedparam(pthread_self(), NULL, &p), EINVAL);
  OT_EXPECT_EQ(pthread_setschedparam(pthread_self(), 42, &p), EINVAL);
  OT_EXPECT_EQ(pthread_setschedparam(99999, SCHED_RR, &p), ESRCH);
  OT_EXPECT_EQ(pthread_setschedprio(pthread_self(), 0), EINVAL);
  pthread_attr_destroy(&a);
}
