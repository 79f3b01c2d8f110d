/* ostest: scheduling API: priority limits, get/set param and scheduler,
 * round-robin among equal-priority tasks, sched_lock, pthread spinlocks,
 * bad input; and the kernel side's view of picolibc's constants. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <sys/wait.h>
#include <time.h>

#include "ostest.h"

/* picolibc declares it only with _POSIX_TIMERS (the clock API adds it). */
int clock_gettime(clockid_t clock, struct timespec* ts);

/* vela_rtos/src/pthread_internal.hpp mirrors these values and layouts. */
_Static_assert(CLOCK_REALTIME == 1 && CLOCK_MONOTONIC == 4, "clock ids");
_Static_assert(SCHED_OTHER == 0 && SCHED_FIFO == 1 && SCHED_RR == 2, "policies");
_Static_assert(O_CREAT == 0x40 && O_EXCL == 0x800 && WNOHANG == 1, "flags");
_Static_assert(sizeof(pid_t) == 4 && sizeof(clockid_t) == sizeof(long), "types");
_Static_assert(sizeof(struct timespec) == 16, "timespec");
_Static_assert(sizeof(struct sched_param) == sizeof(int), "sched_param");

int sched_getcpu(void);

static long long sc_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sc_sleep_ms(long ms) {
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

OSTEST(sched_priority_limits_and_params) {
  struct sched_param p, old;
  OT_EXPECT_EQ(sched_get_priority_min(SCHED_FIFO), 1);
  OT_EXPECT_EQ(sched_get_priority_max(SCHED_FIFO), 255);
  OT_EXPECT_EQ(sched_get_priority_max(SCHED_RR), 255);
  OT_EXPECT_EQ(sched_get_priority_max(77), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(sched_get_priority_min(-1), -1);
  OT_EXPECT_EQ(sched_getparam(0, &old), 0);
  p.sched_priority = old.sched_priority - 1;
  OT_EXPECT_EQ(sched_setparam(0, &p), 0);
  OT_EXPECT_EQ(sched_getparam(0, &p), 0);
  OT_EXPECT_EQ(p.sched_priority, old.sched_priority - 1);
  int policy = sched_getscheduler(0);
  OT_EXPECT(policy == SCHED_RR || policy == SCHED_FIFO);
  OT_EXPECT_EQ(sched_setscheduler(0, SCHED_FIFO, &old), policy);
  OT_EXPECT_EQ(sched_getscheduler(0), SCHED_FIFO);
  OT_EXPECT_EQ(sched_setscheduler(0, policy, &old), SCHED_FIFO);
  OT_EXPECT_EQ(sched_getparam(0, &p), 0);
  OT_EXPECT_EQ(p.sched_priority, old.sched_priority);
  /* bad input */
  OT_EXPECT_EQ(sched_getparam(0, NULL), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(sched_getparam(99999, &p), -1);
  OT_EXPECT_EQ(errno, ESRCH);
  OT_EXPECT_EQ(sched_getparam(-1, &p), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  p.sched_priority = 0;
  OT_EXPECT_EQ(sched_setparam(0, &p), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  p.sched_priority = 256;
  OT_EXPECT_EQ(sched_setscheduler(0, SCHED_RR, &p), -1);
  OT_EXPECT_EQ(sched_setscheduler(0, 42, &old), -1);
  OT_EXPECT_EQ(sched_setscheduler(99999, SCHED_RR, &old), -1);
  OT_EXPECT_EQ(errno, ESRCH);
  OT_EXPECT_EQ(sched_getscheduler(99999), -1);
  OT_EXPECT_EQ(sched_yield(), 0);
  struct timespec ts;
  OT_EXPECT_EQ(sched_rr_get_interval(0, &ts), 0);
  OT_EXPECT(ts.tv_sec > 0 || ts.tv_nsec > 0);
  OT_EXPECT_EQ(sched_rr_get_interval(0, NULL), -1);
}

static volatile int g_rr_stop;
static volatile long g_rr_count[2];
static volatile int g_rr_cpu[2];

static int rr_task(int argc, char* argv[]) {
  int me = argv[1][0] - '0';
  (void)argc;
  g_rr_cpu[me] = sched_getcpu();
  while (!g_rr_stop) g_rr_count[me]++;
  return 0;
}

OSTEST(sched_round_robin) {
  struct sched_param self, hi = {.sched_priority = 220};
  char *a0[] = {"0", NULL}, *a1[] = {"1", NULL};
  int status;
  g_rr_stop = 0;
  g_rr_count[0] = g_rr_count[1] = 0;
  sched_getparam(0, &self);
  sched_setparam(0, &hi);
  int p0 = task_create("rr0", 100, 4096, rr_task, a0);
  int p1 = task_create("rr1", 100, 4096, rr_task, a1);
  sc_sleep_ms(100); /* several 10 ms slices */
  long c0 = g_rr_count[0], c1 = g_rr_count[1];
  g_rr_stop = 1;
  waitpid(p0, &status, 0);
  waitpid(p1, &status, 0);
  sched_setparam(0, &self);
  OT_EXPECT(c0 > 0);
  OT_EXPECT(c1 > 0);
}

static volatile int g_lock_ran, g_lock_ran_cpu;

static int lock_probe(int argc, char* argv[]) {
  (void)argc;
  (void)argv;
  g_lock_ran_cpu = sched_getcpu();
  g_lock_ran = 1;
  return 0;
}

OSTEST(sched_lock_defers_preemption) {
  int status;
  g_lock_ran = 0;
  g_lock_ran_cpu = -1;
  OT_EXPECT_EQ(sched_lock(), 0);
  OT_EXPECT_EQ(sched_lockcount(), 1);
  int my_cpu = sched_getcpu();
  int pid = task_create("lock-probe", 250, 4096, lock_probe, NULL);
  long long end = sc_now_ms() + 30;
  while (sc_now_ms() < end) {
  }
  /* A higher-priority task on this CPU cannot have run while locked. */
  int ran_here = g_lock_ran && g_lock_ran_cpu == my_cpu && sched_getcpu() == my_cpu;
  OT_EXPECT(!ran_here);
  OT_EXPECT_EQ(sched_unlock(), 0);
  OT_EXPECT_EQ(sched_lockcount(), 0);
  OT_EXPECT_EQ(waitpid(pid, &status, 0), pid);
  OT_EXPECT_EQ(g_lock_ran, 1);
  OT_EXPECT_EQ(sched_unlock(), -1); /* not locked */
  OT_EXPECT_EQ(errno, EPERM);
}

static pthread_spinlock_t g_spin;
static volatile long g_spin_count;

/* Few rounds on purpose: under a loaded host, QEMU's vCPU threads are
 * descheduled while holding the lock (lock-holder preemption one level up),
 * and each handoff can then cost a host time slice. */
#define SPIN_ROUNDS 1000

static void* spinner(void* arg) {
  (void)arg;
  for (int i = 0; i < SPIN_ROUNDS; i++) {
    pthread_spin_lock(&g_spin);
    g_spin_count++;
    pthread_spin_unlock(&g_spin);
  }
  return NULL;
}

OSTEST(pthread_spinlocks) {
  pthread_t t[3];
  g_spin_count = 0;
  OT_EXPECT_EQ(pthread_spin_init(&g_spin, PTHREAD_PROCESS_PRIVATE), 0);
  for (int i = 0; i < 3; i++) pthread_create(&t[i], NULL, spinner, NULL);
  for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
  OT_EXPECT_EQ(g_spin_count, 3 * SPIN_ROUNDS);
  OT_EXPECT_EQ(pthread_spin_trylock(&g_spin), 0);
  OT_EXPECT_EQ(pthread_spin_lock(&g_spin), EDEADLK);
  OT_EXPECT_EQ(pthread_spin_trylock(&g_spin), EBUSY);
  OT_EXPECT_EQ(pthread_spin_destroy(&g_spin), EBUSY);
  OT_EXPECT_EQ(pthread_spin_unlock(&g_spin), 0);
  OT_EXPECT_EQ(pthread_spin_unlock(&g_spin), EPERM);
  OT_EXPECT_EQ(pthread_spin_destroy(&g_spin), 0);
  OT_EXPECT_EQ(pthread_spin_lock(&g_spin), EINVAL); /* destroyed */
  OT_EXPECT_EQ(pthread_spin_init(NULL, 0), EINVAL);
  OT_EXPECT_EQ(pthread_spin_init(&g_spin, 7), EINVAL);
  OT_EXPECT_EQ(pthread_spin_lock(NULL), EINVAL);
}
