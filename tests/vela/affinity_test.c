/* ostest: CPU affinity (sched_setaffinity/getaffinity, pthread_*affinity_np,
 * the CPU_* macros) and its bad input. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <unistd.h>

#include "ostest.h"

OSTEST(affinity_cpu_set_macros) {
  cpu_set_t s;
  CPU_ZERO(&s);
  OT_EXPECT_EQ(CPU_COUNT(&s), 0);
  CPU_SET(0, &s);
  CPU_SET(3, &s);
  CPU_SET(63, &s);
  CPU_SET(64, &s); /* out of range: ignored */
  OT_EXPECT(CPU_ISSET(0, &s) && CPU_ISSET(3, &s) && CPU_ISSET(63, &s));
  OT_EXPECT(!CPU_ISSET(1, &s) && !CPU_ISSET(64, &s));
  OT_EXPECT_EQ(CPU_COUNT(&s), 3);
  CPU_CLR(3, &s);
  OT_EXPECT(!CPU_ISSET(3, &s));
  OT_EXPECT_EQ(CPU_COUNT(&s), 2);
}

/* The highest CPU the caller may run on (every online CPU at first). */
static int last_cpu(const cpu_set_t* s) {
  int last = -1;
  for (int i = 0; i < CPU_SETSIZE; ++i)
    if (CPU_ISSET(i, s)) last = i;
  return last;
}

OSTEST(affinity_self) {
  cpu_set_t all, one, got;
  OT_ASSERT(sched_getaffinity(0, sizeof all, &all) == 0);
  OT_EXPECT(CPU_ISSET(0, &all));
  OT_EXPECT(CPU_COUNT(&all) >= 1);
  const int target = last_cpu(&all);
  CPU_ZERO(&one);
  CPU_SET(target, &one);
  OT_ASSERT(sched_setaffinity(0, sizeof one, &one) == 0);
  OT_EXPECT_EQ(sched_getcpu(), target); /* migrated before the call returned */
  for (int i = 0; i < 20; ++i) {
    sched_yield();
    OT_EXPECT_EQ(sched_getcpu(), target);
  }
  OT_EXPECT_EQ(sched_getaffinity(0, sizeof got, &got), 0);
  OT_EXPECT(CPU_EQUAL(&got, &one));
  OT_EXPECT_EQ(sched_setaffinity(0, sizeof all, &all), 0);
  OT_EXPECT_EQ(sched_getaffinity(getpid(), sizeof got, &got), 0); /* task id = main thread */
  OT_EXPECT(CPU_EQUAL(&got, &all));
}

static sem_t g_aff_go;
static volatile int g_aff_cpu = -2;

static void* aff_worker(void* arg) {
  (void)arg;
  sem_wait(&g_aff_go);
  g_aff_cpu = sched_getcpu();
  return NULL;
}

OSTEST(affinity_pthread_np) {
  cpu_set_t all, one, got;
  pthread_t t;
  OT_ASSERT(pthread_getaffinity_np(pthread_self(), sizeof all, &all) == 0);
  const int target = last_cpu(&all);
  sem_init(&g_aff_go, 0, 0);
  OT_ASSERT(pthread_create(&t, NULL, aff_worker, NULL) == 0);
  CPU_ZERO(&one);
  CPU_SET(target, &one);
  OT_EXPECT_EQ(pthread_setaffinity_np(t, sizeof one, &one), 0);
  OT_EXPECT_EQ(pthread_getaffinity_np(t, sizeof got, &got), 0);
  OT_EXPECT(CPU_EQUAL(&got, &one));
  sem_post(&g_aff_go); /* it wakes on an allowed CPU */
  pthread_join(t, NULL);
  OT_EXPECT_EQ(g_aff_cpu, target);
  sem_destroy(&g_aff_go);
}

OSTEST(affinity_bad_input) {
  cpu_set_t s, none;
  CPU_ZERO(&none);
  OT_ASSERT(sched_getaffinity(0, sizeof s, &s) == 0);
  errno = 0;
  OT_EXPECT_EQ(sched_setaffinity(0, sizeof s, NULL), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  errno = 0;
  OT_EXPECT_EQ(sched_getaffinity(0, sizeof s, NULL), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  errno = 0;
  OT_EXPECT_EQ(sched_setaffinity(0, 2, &s), -1); /* too small for the CPUs */
  OT_EXPECT_EQ(errno, EINVAL);
  errno = 0;
  OT_EXPECT_EQ(sched_setaffinity(0, sizeof none, &none), -1); /* no CPU */
  OT_EXPECT_EQ(errno, EINVAL);
  cpu_set_t offline;
  CPU_ZERO(&offline);
  CPU_SET(63, &offline); /* no such CPU online */
  errno = 0;
  OT_EXPECT_EQ(sched_setaffinity(0, sizeof offline, &offline), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  errno = 0;
  OT_EXPECT_EQ(sched_setaffinity(30000, sizeof s, &s), -1);
  OT_EXPECT_EQ(errno, ESRCH);
  errno = 0;
  OT_EXPECT_EQ(sched_getaffinity(-1, sizeof s, &s), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(pthread_setaffinity_np(0, sizeof s, &s), ESRCH);
  OT_EXPECT_EQ(pthread_getaffinity_np(30000, sizeof s, &s), ESRCH);
  OT_EXPECT_EQ(pthread_setaffinity_np(pthread_self(), sizeof s, NULL), EINVAL);
  OT_EXPECT_EQ(pthread_setaffinity_np(pthread_self(), sizeof none, &none), EINVAL);
  OT_EXPECT_EQ(pthread_getaffinity_np(pthread_self(), 1, &s), EINVAL);
  /* Still runnable everywhere it was. */
  cpu_set_t after;
  OT_EXPECT_EQ(sched_getaffinity(0, sizeof after, &after), 0);
  OT_EXPECT(CPU_EQUAL(&after, &s));
}
