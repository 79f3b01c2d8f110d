// Vela thread core: the TCB of the caller, deferred cancellation (requests,
// cancellation points), thread and task exit paths, clock conversion for
// absolute timeouts.
#include <mm/heap.hpp>

#include "pthread_internal.hpp"

namespace vela {

Tcb* current_tcb() {
  kernel::ProcessThread* rec = kernel::current_thread();
  if (!rec || !rec->personality) return nullptr;
  auto* t = static_cast<Tcb*>(rec->personality);
  return t->magic == Tcb::kMagic ? t : nullptr;
}

bool cancel_requested(const Tcb* t) {
  if (!t || t->exiting) return false;
  if (t->kill_pending.load(std::memory_order_seq_cst)) return true;
  return t->cancel_state == vabi::kCancelEnable &&
         t->cancel_pending.load(std::memory_order_seq_cst);
}

void request_cancel(Tcb* t, bool kill) {
  (kill ? t->kill_pending : t->cancel_pending).store(true, std::memory_order_seq_cst);
  // The target publishes blocked_on before testing the flags under the
  // queue's lock, so either it sees the flag or we see the queue.
  if (sched::WaitQueue* wq = t->blocked_on.load(std::memory_order_seq_cst)) {
    wq->wake_all();
    sched::preempt_point();
  }
}

void cancellation_point() {
  Tcb* self = current_tcb();
  if (!cancel_requested(self)) return;
  if (self->kill_pending.load()) {
    self->exiting = true;
    release_robust_mutexes(self);
    kernel::thread_exit_current(0, false);
  }
  exit_thread(vabi::kCanceled);
}

// CLOCK_REALTIME's offset from uptime (clock.cpp: clock_settime moves it).
std::uint64_t realtime_offset_ns();

std::uint64_t clock_now_ns(vabi::clockid_t clock) {
  const std::uint64_t up = sched::uptime_ns();
  return clock == vabi::kClockRealtime ? up + realtime_offset_ns() : up;
}

klib::Result<std::uint64_t> timeout_until(vabi::clockid_t clock, const vabi::timespec* abstime) {
  if (!abstime || abstime->tv_nsec < 0 || abstime->tv_nsec >= 1'000'000'000 || abstime->tv_sec < 0)
    return klib::Err(Error::INVAL);
  if (clock != vabi::kClockRealtime && clock != vabi::kClockMonotonic)
    return klib::Err(Error::INVAL);
  const std::uint64_t deadline = static_cast<std::uint64_t>(abstime->tv_sec) * 1'000'000'000u +
                                 static_cast<std::uint64_t>(abstime->tv_nsec);
  const std::uint64_t now = clock_now_ns(clock);
  return deadline > now ? deadline - now : 0;
}

[[noreturn]] void exit_thread(void* retval) {
  Tcb* self = current_tcb();
  if (!self) kernel::thread_exit_current(0, false);
  self->exiting = true;
  // Cleanup handlers run newest first, then key destructors (POSIX order).
  while (CleanupBuffer* c = self->cleanup) {
    self->cleanup = c->prev;
    c->routine(c->arg);
  }
  run_key_destructors(self);
  release_robust_mutexes(self);
  self->retval = retval;
  kernel::thread_exit_current(0, false);
}

[[noreturn]] void exit_task(int status) {
  Tcb* self = current_tcb();
  kernel::Process* p = kernel::current_process();
  if (self) {
    self->exiting = true;
    release_robust_mutexes(self);
    // exit() ends the whole task: the other threads die at their next
    // cancellation point (there is no asynchronous kill).
    kernel::ProcessThread* me = self->rec;
    for (;;) {
      kernel::Pid victim = 0;
      kernel::for_each_process([&](const kernel::Process& proc) {
        if (&proc != p || victim) return;
        proc.threads.for_each([&](kernel::ProcessThread* t) {
          auto* tcb = static_cast<Tcb*>(t->personality);
          if (!victim && t != me && tcb && !t->exited.load() && !tcb->kill_pending.load())
            victim = t->tid;
        });
      });
      if (!victim) break;
      // Woken outside the registry lock, holding a reference.
      kernel::ProcessThread* t = kernel::thread_get(victim);
      if (!t) continue;
      request_cancel(static_cast<Tcb*>(t->personality), true);
      kernel::thread_put(t);
    }
  }
  kernel::thread_exit_current(status, true);
}

}  // namespace vela

// Weak stand-ins so the task/pthread layer links before the runtime
// (vela_rtos/src/runtime, errno_map.cpp) is in the tree; the runtime's
// definitions replace them.
[[gnu::weak]] int vela_errno_from(klib::Error e) { return static_cast<int>(e); }
extern "C" [[gnu::weak]] void vela_set_errno(int) {}
namespace vela::runtime {
[[gnu::weak]] void* run_app(void* (*fn)(void*), void* arg) { return fn(arg); }
}  // namespace vela::runtime
extern "C" [[noreturn]] void vela_task_exit(int status);
extern "C" [[gnu::weak, noreturn]] void vela_weak_exit(int status) __asm__("_exit");
extern "C" void vela_weak_exit(int status) { vela_task_exit(status); }
