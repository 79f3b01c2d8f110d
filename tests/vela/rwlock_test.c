/* ostest: reader-writer locks: concurrent readers, writer exclusion,
 * try/timed variants, self-deadlock detection, and bad input. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <time.h>

#include "ostest.h"

/* picolibc declares it only with _POSIX_TIMERS (the clock API adds it). */
int clock_gettime(clockid_t clock, struct timespec* ts);

static pthread_rwlock_t g_rw = PTHREAD_RWLOCK_INITIALIZER;
static volatile int g_readers_in, g_max_readers, g_rw_bad, g_shared;

static void* reader(void* arg) {
  (void)arg;
  for (int i = 0; i < 200; i++) {
    pthread_rwlock_rdlock(&g_rw);
    int n = __atomic_add_fetch(&g_readers_in, 1, __ATOMIC_SEQ_CST);
    if (n > g_max_readers) g_max_readers = n;
    int v = g_shared;
    sched_yield();
    if (g_shared != v) g_rw_bad = 1; /* a writer got in */
    __atomic_sub_fetch(&g_readers_in, 1, __ATOMIC_SEQ_CST);
    pthread_rwlock_unlock(&g_rw);
  }
  return NULL;
}

static void* writer(void* arg) {
  (void)arg;
  for (int i = 0; i < 100; i++) {
    pthread_rwlock_wrlock(&g_rw);
    if (g_readers_in != 0) g_rw_bad = 1;
    g_shared++;
    pthread_rwlock_unlock(&g_rw);
  }
  return NULL;
}

OSTEST(rwlock_readers_and_writers) {
  pthread_t t[4];
  g_readers_in = g_max_readers = g_rw_bad = g_shared = 0;
  pthread_create(&t[0], NULL, reader, NULL);
  pthread_create(&t[1], NULL, reader, NULL);
  pthread_create(&t[2], NULL, reader, NULL);
  pthread_create(&t[3], NULL, writer, NULL);
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
  OT_EXPECT_EQ(g_rw_bad, 0);
  OT_EXPECT_EQ(g_shared, 100);
  OT_EXPECT(g_max_readers >= 1);
}

static void* try_both(void* arg) {
  (void)arg;
  int r = pthread_rwlock_tryrdlock(&g_rw);
  if (r == 0) pthread_rwlock_unlock(&g_rw);
  int w = pthread_rwlock_trywrlock(&g_rw);
  if (w == 0) pthread_rwlock_unlock(&g_rw);
  return (void*)(long)(r * 1000 + w);
}

OSTEST(rwlock_try_and_timed) {
  pthread_t t;
  void* v;
  struct timespec ts;
  OT_EXPECT_EQ(pthread_rwlock_rdlock(&g_rw), 0);
  OT_EXPECT_EQ(pthread_rwlock_rdlock(&g_rw), 0); /* readers share */
  pthread_create(&t, NULL, try_both, NULL);
  pthread_join(t, &v);
  OT_EXPECT_EQ((long)v, 0 * 1000 + EBUSY); /* read ok, write busy */
  OT_EXPECT_EQ(pthread_rwlock_unlock(&g_rw), 0);
  OT_EXPECT_EQ(pthread_rwlock_unlock(&g_rw), 0);
  OT_EXPECT_EQ(pthread_rwlock_unlock(&g_rw), EPERM); /* not held */
  OT_EXPECT_EQ(pthread_rwlock_wrlock(&g_rw), 0);
  OT_EXPECT_EQ(pthread_rwlock_wrlock(&g_rw), EDEADLK);
  OT_EXPECT_EQ(pthread_rwlock_rdlock(&g_rw), EDEADLK);
  pthread_create(&t, NULL, try_both, NULL);
  pthread_join(t, &v);
  OT_EXPECT_EQ((long)v, EBUSY * 1000 + EBUSY);
  OT_EXPECT_EQ(pthread_rwlock_unlock(&g_rw), 0);
  OT_EXPECT_EQ(pthread_rwlock_rdlock(&g_rw), 0);
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_nsec += 30000000L;
  if (ts.tv_nsec >= 1000000000L) {
    ts.tv_sec++;
    ts.tv_nsec -= 1000000000L;
  }
  OT_EXPECT_EQ(pthread_rwlock_timedwrlock(&g_rw, &ts), ETIMEDOUT);
  OT_EXPECT_EQ(pthread_rwlock_timedrdlock(&g_rw, &ts), 0); /* readers still share */
  OT_EXPECT_EQ(pthread_rwlock_unlock(&g_rw), 0);
  OT_EXPECT_EQ(pthread_rwlock_unlock(&g_rw), 0);
}

OSTEST(rwlock_bad_input) {
  pthread_rwlock_t l;
  struct timespec ts = {0, 2000000000L};
  memset(&l, 0, sizeof l);
  OT_EXPECT_EQ(pthread_rwlock_rdlock(&l), EINVAL);
  OT_EXPECT_EQ(pthread_rwlock_wrlock(NULL), EINVAL);
  OT_EXPECT_EQ(pthread_rwlock_unlock(NULL), EINVAL);
  OT_EXPECT_EQ(pthread_rwlock_init(NULL, NULL), EINVAL);
  OT_EXPECT_EQ(pthread_rwlock_init(&l, NULL), 0);
  OT_EXPECT_EQ(pthread_rwlock_timedrdlock(&l, NULL), EINVAL);
  OT_EXPECT_EQ(pthread_rwlock_wrlock(&l), 0);
  OT_EXPECT_EQ(pthread_rwlock_destroy(&l), EBUSY);
  OT_EXPECT_EQ(pthread_rwlock_unlock(&l), 0);
  OT_EXPECT_EQ(pthread_rwlock_destroy(&l), 0);
  OT_EXPECT_EQ(pthread_rwlock_rdlock(&l), EINVAL); /* destroyed */
  OT_EXPECT_EQ(pthread_rwlock_destroy(&l), EINVAL);
  pthread_rwlock_init(&l, NULL);
  pthread_rwlock_wrlock(&l);
  OT_EXPECT_EQ(pthread_rwlock_timedwrlock(&l, &ts), EDEADLK);
  pthread_rwlock_unlock(&l);
  pthread_rwlock_destroy(&l);
}
