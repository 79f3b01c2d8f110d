// NuttX work queues: HPWORK (one worker, priority 224) and LPWORK (two
// workers, priority 100), started on first use as Vela tasks (application
// workers get TLS and FP like any task). Delayed work waits on its own
// watchdog, whose handler moves it to the pending list.
#include <hal/cpu.hpp>

#include "signal_internal.hpp"
#include "wdog_internal.hpp"

extern "C" int vela_task_create(const char* name, int priority, int stack_size,
                                int (*entry)(int, char**),
                                char* const argv[]) __asm__("task_create");

namespace vela {
namespace {

enum State : int { kIdle = 0, kDelayed = 1, kPending = 2 };

struct WorkQueue {
  // (g_lock guards the lists and every work item's state)
  sched::WaitQueue wake;  // workers wait here
  vwd::work_s* head = nullptr;
  vwd::work_s* tail = nullptr;
  vwd::work_s* running[CONFIG_SCHED_LPNTHREADS] = {};  // for work_cancel_sync
  int nthreads = 0;
  int priority = 0;
  const char* name = nullptr;
};

klib::SpinLockIrq g_lock;
WorkQueue g_queues[2];
sched::Mutex g_start_lock;
std::atomic<bool> g_started{false};

void push_locked(WorkQueue& q, vwd::work_s* w) {
  w->__next = nullptr;
  if (q.tail) {
    q.tail->__next = w;
  } else {
    q.head = w;
  }
  q.tail = w;
  w->__state = kPending;
}

bool unlink_locked(WorkQueue& q, vwd::work_s* w) {
  vwd::work_s* prev = nullptr;
  for (vwd::work_s* c = q.head; c; prev = c, c = c->__next) {
    if (c != w) continue;
    if (prev) {
      prev->__next = c->__next;
    } else {
      q.head = c->__next;
    }
    if (q.tail == c) q.tail = prev;
    return true;
  }
  return false;
}

// Watchdog handler (timer interrupt): the delay is over.
void delay_expired(vwd::wdparm_t arg) {
  auto* w = reinterpret_cast<vwd::work_s*>(arg);
  WorkQueue& q = g_queues[w->__qid];
  {
    klib::SpinGuard guard(g_lock);
    if (w->__state != kDelayed) return;
    push_locked(q, w);
  }
  q.wake.wake_one();
}

int worker_main(int argc, char** argv) {
  const int qid = argc > 1 && argv[1][0] == 'h' ? HPWORK : LPWORK;
  const int slot = argc > 2 ? argv[2][0] - '0' : 0;
  WorkQueue& q = g_queues[qid];
  for (;;) {
    vwd::worker_t fn = nullptr;
    void* arg = nullptr;
    (void)q.wake.wait_until([&] {
      klib::SpinGuard guard(g_lock);
      vwd::work_s* w = q.head;
      if (!w) return false;
      q.head = w->__next;
      if (!q.head) q.tail = nullptr;
      fn = w->worker;
      arg = w->arg;
      // Cleared before the call: the worker may queue itself again.
      w->worker = nullptr;
      w->__state = kIdle;
      q.running[slot] = w;
      return true;
    });
    if (fn) fn(arg);
    klib::SpinGuard guard(g_lock);
    q.running[slot] = nullptr;
  }
  return 0;
}

// Creates the worker tasks (from a kernel thread, so they are children of
// the kernel, not of the task that happened to queue work first: its
// waitpid must not see them).
void spawn_workers(void* ok) {
  static char kQ[2][2] = {"h", "l"};
  static char kSlot[CONFIG_SCHED_LPNTHREADS][2] = {"0", "1"};
  for (int qid = 0; qid < 2; ++qid) {
    WorkQueue& q = g_queues[qid];
    for (int i = 0; i < q.nthreads; ++i) {
      char* argv[] = {kQ[qid], kSlot[i], nullptr};
      if (vela_task_create(q.name, q.priority, 8192, worker_main, argv) < 0)
        *static_cast<bool*>(ok) = false;
    }
  }
}

bool start_workers() {
  if (g_started.load(std::memory_order_acquire)) return true;
  sched::MutexGuard guard(g_start_lock);
  if (g_started.load(std::memory_order_relaxed)) return true;
  g_queues[HPWORK].nthreads = 1;
  g_queues[HPWORK].priority = CONFIG_SCHED_HPWORKPRIORITY;
  g_queues[HPWORK].name = "hpwork";
  g_queues[LPWORK].nthreads = CONFIG_SCHED_LPNTHREADS;
  g_queues[LPWORK].priority = CONFIG_SCHED_LPWORKPRIORITY;
  g_queues[LPWORK].name = "lpwork";
  bool ok = true;
  auto t = sched::thread_create("wq-start", spawn_workers, &ok);
  if (!t) return false;
  (void)sched::thread_join(*t);
  if (!ok) return false;
  g_started.store(true, std::memory_order_release);
  return true;
}

bool valid_qid(int qid) { return qid == HPWORK || qid == LPWORK; }

// Takes `w` off its queue or timer (g_lock held); true if it was queued.
bool cancel_locked(WorkQueue& q, vwd::work_s* w) {
  if (w->__state == kPending && unlink_locked(q, w)) {
    w->__state = kIdle;
    w->worker = nullptr;
    return true;
  }
  if (w->__state == kDelayed) {
    w->__state = kIdle;  // delay_expired ignores it now
    w->worker = nullptr;
    return true;
  }
  return false;
}

}  // namespace

// For SIGEV_THREAD notifications from interrupt context (timers, mq_notify).
int work_queue_internal(int qid, vwd::work_s* w, vwd::worker_t fn, void* arg,
                        std::uint64_t delay_ns) {
  if (!valid_qid(qid) || !w || !fn) return -vela_errno_from(Error::INVAL);
  if (!g_started.load(std::memory_order_acquire)) {
    if (!hal::irqs_enabled()) return -vela_errno_from(Error::AGAIN);
    if (!start_workers()) return -vela_errno_from(Error::NOMEM);
  }
  WorkQueue& q = g_queues[qid];
  bool wake = false;
  {
    klib::SpinGuard guard(g_lock);
    // A queued item moves (NuttX re-queues).
    if (w->__state != kIdle) cancel_locked(g_queues[w->__qid], w);
    w->worker = fn;
    w->arg = arg;
    w->__qid = qid;
    if (delay_ns == 0) {
      push_locked(q, w);
      wake = true;
    } else {
      w->__state = kDelayed;
    }
  }
  if (wake) {
    q.wake.wake_one();
  } else {
    (void)wd_start_ns(&w->__timer, delay_ns, delay_expired, reinterpret_cast<vwd::wdparm_t>(w));
  }
  return 0;
}

}  // namespace vela

using namespace vela;

VELA_API(int, work_queue, int qid, vwd::work_s* work, vwd::worker_t worker, void* arg,
         vwd::sclock_t delay) {
  if (delay < 0) return -vela_errno_from(Error::INVAL);
  return work_queue_internal(qid, work, worker, arg,
                             static_cast<std::uint64_t>(delay) * vsig::kNsPerTick);
}

VELA_API(int, work_cancel, int qid, vwd::work_s* work) {
  if (!valid_qid(qid) || !work) return -vela_errno_from(Error::INVAL);
  WorkQueue& q = g_queues[qid];
  bool was;
  {
    klib::SpinGuard guard(g_lock);
    was = work->__qid == qid && cancel_locked(q, work);
  }
  if (!was) return -vela_errno_from(Error::NOENT);
  (void)wd_cancel_sync(&work->__timer);
  return 0;
}

VELA_API(int, work_cancel_sync, int qid, vwd::work_s* work) {
  if (!valid_qid(qid) || !work) return -vela_errno_from(Error::INVAL);
  const int r = vela_work_cancel(qid, work);
  WorkQueue& q = g_queues[qid];
  for (;;) {
    bool busy = false;
    {
      klib::SpinGuard guard(g_lock);
      for (auto* w : q.running) busy |= w == work;
    }
    if (!busy) break;
    sched::sleep_ns(1'000'000);
  }
  return r;
}

VELA_API(bool, work_available, vwd::work_s* work) { return !work || work->__state == kIdle; }
