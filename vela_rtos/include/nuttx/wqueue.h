/* NuttX work queues: deferred calls run by kernel worker tasks, one
 * high-priority queue (HPWORK) and a low-priority one (LPWORK) served by
 * several workers; a delay is counted in system ticks (fusion/time.h). A
 * zeroed struct work_s is idle. C and C++. */
#ifndef NUTTX_WQUEUE_H
#define NUTTX_WQUEUE_H

#ifndef __VELA_ABI
#include <nuttx/wdog.h>
#include <stdbool.h>
#include <stdint.h>
#endif

#if defined(__cplusplus) && !defined(__VELA_ABI)
extern "C" {
#endif

#define HPWORK 0
#define LPWORK 1
#define USRWORK LPWORK
#define CONFIG_SCHED_HPWORKPRIORITY 224
#define CONFIG_SCHED_LPWORKPRIORITY 100
#define CONFIG_SCHED_LPNTHREADS 2

typedef void (*worker_t)(void* arg);

struct work_s {
  struct work_s* __next; /* pending list */
  worker_t worker;       /* non-NULL while queued (cleared before it runs) */
  void* arg;
  int __qid;
  int __state;           /* idle, delayed, pending */
  struct wdog_s __timer; /* the delay */
};

/* Queues worker(arg) on `qid` after `delay` ticks (re-queues if pending).
 * 0, or -EINVAL (bad qid, NULL work/worker, negative delay). */
int work_queue(int qid, struct work_s* work, worker_t worker, void* arg, sclock_t delay);
/* Removes pending work. 0, -ENOENT if not queued, -EINVAL for bad input. */
int work_cancel(int qid, struct work_s* work);
/* As work_cancel, and waits for a run in progress to finish. */
int work_cancel_sync(int qid, struct work_s* work);
/* true when `work` is neither pending nor delayed. */
bool work_available(struct work_s* work);

#if defined(__cplusplus) && !defined(__VELA_ABI)
}
#endif

#endif /* NUTTX_WQUEUE_H */
