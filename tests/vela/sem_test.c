/* ostest: semaphores: post/wait between threads, trywait, timed waits
 * (expiry, malformed and already-expired timeouts), getvalue, named
 * semaphores, destroyed handles and other bad input. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <string.h>
#include <time.h>

#include "ostest.h"

/* picolibc declares it only with _POSIX_TIMERS (the clock API adds it). */
int clock_gettime(clockid_t clock, struct timespec* ts);

static long long sem_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sem_abs_ms(struct timespec* ts, long ms) {
  clock_gettime(CLOCK_REALTIME, ts);
  ts->tv_nsec += (ms % 1000) * 1000000L;
  ts->tv_sec += ms / 1000 + ts->tv_nsec / 1000000000L;
  ts->tv_nsec %= 1000000000L;
}

static sem_t g_ping, g_pong;
static volatile int g_rounds;

static void* ponger(void* arg) {
  (void)arg;
  for (int i = 0; i < 100; i++) {
    sem_wait(&g_ping);
    g_rounds++;
    sem_post(&g_pong);
  }
  return NULL;
}

OSTEST(sem_ping_pong) {
  pthread_t t;
  int v;
  g_rounds = 0;
  OT_EXPECT_EQ(sem_init(&g_ping, 0, 0), 0);
  OT_EXPECT_EQ(sem_init(&g_pong, 0, 0), 0);
  pthread_create(&t, NULL, ponger, NULL);
  for (int i = 0; i < 100; i++) {
    sem_post(&g_ping);
    sem_wait(&g_pong);
  }
  pthread_join(t, NULL);
  OT_EXPECT_EQ(g_rounds, 100);
  OT_EXPECT_EQ(sem_getvalue(&g_ping, &v), 0);
  OT_EXPECT_EQ(v, 0);
  OT_EXPECT_EQ(sem_destroy(&g_ping), 0);
  OT_EXPECT_EQ(sem_destroy(&g_pong), 0);
}

OSTEST(sem_trywait_and_value) {
  sem_t s;
  int v = -1;
  OT_EXPECT_EQ(sem_init(&s, 0, 2), 0);
  OT_EXPECT_EQ(sem_getvalue(&s, &v), 0);
  OT_EXPECT_EQ(v, 2);
  OT_EXPECT_EQ(sem_trywait(&s), 0);
  OT_EXPECT_EQ(sem_trywait(&s), 0);
  OT_EXPECT_EQ(sem_trywait(&s), -1);
  OT_EXPECT_EQ(errno, EAGAIN);
  OT_EXPECT_EQ(sem_post(&s), 0);
  OT_EXPECT_EQ(sem_getvalue(&s, &v), 0);
  OT_EXPECT_EQ(v, 1);
  OT_EXPECT_EQ(sem_destroy(&s), 0);
}

OSTEST(sem_timedwait) {
  sem_t s;
  struct timespec ts;
  sem_init(&s, 0, 0);
  sem_abs_ms(&ts, 50);
  long long t0 = sem_now_ms();
  OT_EXPECT_EQ(sem_timedwait(&s, &ts), -1);
  OT_EXPECT_EQ(errno, ETIMEDOUT);
  long long waited = sem_now_ms() - t0;
  OT_EXPECT(waited >= 45 && waited < 30000); /* upper bound: "did not hang" only */
  /* An expired timeout with a unit available still succeeds. */
  sem_post(&s);
  ts.tv_sec = 0;
  ts.tv_nsec = 0;
  OT_EXPECT_EQ(sem_timedwait(&s, &ts), 0);
  OT_EXPECT_EQ(sem_timedwait(&s, &ts), -1);
  OT_EXPECT_EQ(errno, ETIMEDOUT);
  ts.tv_nsec = 1000000000L; /* malformed: EINVAL when it would block */
  OT_EXPECT_EQ(sem_timedwait(&s, &ts), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  ts.tv_nsec = -1;
  OT_EXPECT_EQ(sem_timedwait(&s, &ts), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(sem_timedwait(&s, NULL), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  sem_destroy(&s);
}

static void* post_later(void* arg) {
  struct timespec ts;
  sem_t d;
  sem_init(&d, 0, 0);
  sem_abs_ms(&ts, 20);
  sem_timedwait(&d, &ts);
  sem_destroy(&d);
  sem_post((sem_t*)arg);
  return NULL;
}

OSTEST(sem_timedwait_woken_in_time) {
  sem_t s;
  struct timespec ts;
  pthread_t t;
  sem_init(&s, 0, 0);
  pthread_create(&t, NULL, post_later, &s);
  sem_abs_ms(&ts, 2000);
  OT_EXPECT_EQ(sem_timedwait(&s, &ts), 0);
  pthread_join(t, NULL);
  sem_destroy(&s);
}

OSTEST(sem_named) {
  sem_t *a, *b;
  int v = -1;
  a = sem_open("/ot_sem", O_CREAT | O_EXCL, 0644, 3);
  OT_EXPECT(a != SEM_FAILED);
  OT_EXPECT(sem_open("/ot_sem", O_CREAT | O_EXCL, 0644, 1) == SEM_FAILED);
  OT_EXPECT_EQ(errno, EEXIST);
  b = sem_open("ot_sem", 0); /* the leading slash is optional */
  OT_EXPECT(b == a);
  OT_EXPECT_EQ(sem_wait(b), 0);
  OT_EXPECT_EQ(sem_getvalue(a, &v), 0);
  OT_EXPECT_EQ(v, 2);
  OT_EXPECT_EQ(sem_unlink("/ot_sem"), 0);
  OT_EXPECT(sem_open("/ot_sem", 0) == SEM_FAILED); /* unlinked: new opens fail */
  OT_EXPECT_EQ(errno, ENOENT);
  OT_EXPECT_EQ(sem_post(a), 0); /* still usable until closed */
  OT_EXPECT_EQ(sem_close(a), 0);
  OT_EXPECT_EQ(sem_close(b), 0);
  OT_EXPECT_EQ(sem_unlink("/ot_sem"), -1);
  OT_EXPECT_EQ(errno, ENOENT);
  OT_EXPECT(sem_open(NULL, O_CREAT, 0644, 1) == SEM_FAILED);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT(sem_open("/x", O_CREAT, 0644, 40000) == SEM_FAILED);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT(sem_open("/a_name_that_is_much_too_long_for_a_semaphore", O_CREAT, 0644, 1) ==
            SEM_FAILED);
  OT_EXPECT_EQ(errno, ENAMETOOLONG);
  OT_EXPECT_EQ(sem_unlink(NULL), -1);
}

OSTEST(sem_bad_input) {
  sem_t s;
  int v;
  memset(&s, 0, sizeof s);
  OT_EXPECT_EQ(sem_wait(&s), -1); /* never initialised */
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(sem_init(NULL, 0, 1), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(sem_init(&s, 0, 0x8000), -1); /* over SEM_VALUE_MAX */
  OT_EXPECT_EQ(sem_init(&s, 0, SEM_VALUE_MAX), 0);
  OT_EXPECT_EQ(sem_post(&s), -1);
  OT_EXPECT_EQ(errno, EOVERFLOW);
  OT_EXPECT_EQ(sem_destroy(&s), 0);
  OT_EXPECT_EQ(sem_post(&s), -1); /* destroyed */
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(sem_trywait(&s), -1);
  OT_EXPECT_EQ(sem_getvalue(&s, &v), -1);
  OT_EXPECT_EQ(sem_destroy(&s), -1);
  OT_EXPECT_EQ(sem_wait(NULL), -1);
  OT_EXPECT_EQ(sem_post(NULL), -1);
  OT_EXPECT_EQ(sem_getvalue(NULL, &v), -1);
  OT_EXPECT_EQ(sem_close(NULL), -1);
  sem_init(&s, 0, 0);
  OT_EXPECT_EQ(sem_getvalue(&s, NULL), -1);
  OT_EXPECT_EQ(sem_close(&s), -1); /* not a named semaphore */
  sem_destroy(&s);
}
