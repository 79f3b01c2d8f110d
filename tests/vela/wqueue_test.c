/* ostest: work queues: HP and LP work runs on the worker tasks, delayed
 * work waits its delay, cancellation of pending and delayed work, a worker
 * queueing itself again, bad input. */
#include <errno.h>
#include <nuttx/wqueue.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "ostest.h"

static volatile int g_wq_runs;
static volatile pid_t g_wq_tid;
static volatile long long g_wq_when;

static long long wq_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void wq_worker(void* arg) {
  (void)arg;
  g_wq_tid = pthread_self();
  g_wq_when = wq_now_ms();
  g_wq_runs++;
}

static void wq_wait_runs(int n) {
  for (int i = 0; i < 6000 && g_wq_runs < n; i++) usleep(5000);
}

OSTEST(wqueue_hp_and_lp_run_on_workers) {
  static struct work_s w;
  for (int q = HPWORK; q <= LPWORK; q++) {
    g_wq_runs = 0;
    g_wq_tid = 0;
    OT_EXPECT(work_available(&w));
    OT_EXPECT_EQ(work_queue(q, &w, wq_worker, NULL, 0), 0);
    wq_wait_runs(1);
    OT_EXPECT_EQ(g_wq_runs, 1);
    OT_EXPECT(g_wq_tid != 0 && g_wq_tid != pthread_self());
    OT_EXPECT(work_available(&w));
  }
}

OSTEST(wqueue_delayed_work_waits) {
  static struct work_s w;
  g_wq_runs = 0;
  long long t0 = wq_now_ms();
  OT_EXPECT_EQ(work_queue(LPWORK, &w, wq_worker, NULL, MSEC2TICK(50)), 0);
  OT_EXPECT(!work_available(&w));
  usleep(20000);
  /* Not run early; a host that stalled this vCPU past the delay may have run
   * it legitimately (runs is read before the clock, so that is provable). */
  int runs = g_wq_runs;
  if (wq_now_ms() - t0 < 50) OT_EXPECT_EQ(runs, 0);
  wq_wait_runs(1);
  OT_EXPECT_EQ(g_wq_runs, 1);
  OT_EXPECT(g_wq_when - t0 >= 50);
}

OSTEST(wqueue_cancel) {
  static struct work_s w;
  g_wq_runs = 0;
  OT_EXPECT_EQ(work_queue(HPWORK, &w, wq_worker, NULL, MSEC2TICK(50)), 0);
  OT_EXPECT_EQ(work_cancel(HPWORK, &w), 0);
  OT_EXPECT(work_available(&w));
  OT_EXPECT_EQ(work_cancel(HPWORK, &w), -ENOENT);
  usleep(80000);
  OT_EXPECT_EQ(g_wq_runs, 0);
}

static struct work_s g_wq_self;
static void wq_requeue(void* arg) {
  g_wq_runs++;
  if (g_wq_runs < (int)(long)arg) work_queue(LPWORK, &g_wq_self, wq_requeue, arg, 0);
}

OSTEST(wqueue_worker_requeues_itself) {
  g_wq_runs = 0;
  OT_EXPECT_EQ(work_queue(LPWORK, &g_wq_self, wq_requeue, (void*)3L, 0), 0);
  wq_wait_runs(3);
  OT_EXPECT_EQ(g_wq_runs, 3);
}

OSTEST(wqueue_bad_input) {
  static struct work_s w;
  OT_EXPECT_EQ(work_queue(7, &w, wq_worker, NULL, 0), -EINVAL);
  OT_EXPECT_EQ(work_queue(HPWORK, NULL, wq_worker, NULL, 0), -EINVAL);
  OT_EXPECT_EQ(work_queue(HPWORK, &w, NULL, NULL, 0), -EINVAL);
  OT_EXPECT_EQ(work_queue(HPWORK, &w, wq_worker, NULL, -1), -EINVAL);
  OT_EXPECT_EQ(work_cancel(-1, &w), -EINVAL);
  OT_EXPECT_EQ(work_cancel(HPWORK, NULL), -EINVAL);
}
