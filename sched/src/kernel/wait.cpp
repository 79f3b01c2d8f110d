// WaitQueue and Semaphore. Lock order: a queue's lock, then a CPU's lock
// (blocking and waking both take them in that order). Waiters are kept in
// effective-priority order so the most important one is woken first.
#include <klib/assert.hpp>
#include <sched/sched.hpp>
#include <sched/wait.hpp>

#include "internal.hpp"

namespace sched {

void WaitQueue::insert_locked(Thread* t) {
  // From the tail: after the last waiter ranked >= t (FIFO among equals).
  const int r = detail::eff_rank(t);
  Thread* after = tail_;
  while (after && detail::eff_rank(after) < r) after = after->wait_prev;
  t->wait_prev = after;
  t->wait_next = after ? after->wait_next : head_;
  if (t->wait_next) {
    t->wait_next->wait_prev = t;
  } else {
    tail_ = t;
  }
  if (after) {
    after->wait_next = t;
  } else {
    head_ = t;
  }
  t->waiting_on.store(this, std::memory_order_relaxed);
}

void WaitQueue::remove_locked(Thread* t) {
  if (t->wait_prev) {
    t->wait_prev->wait_next = t->wait_next;
  } else {
    head_ = t->wait_next;
  }
  if (t->wait_next) {
    t->wait_next->wait_prev = t->wait_prev;
  } else {
    tail_ = t->wait_prev;
  }
  t->wait_next = t->wait_prev = nullptr;
  t->waiting_on.store(nullptr, std::memory_order_relaxed);
}

Thread* WaitQueue::wake_one_locked() {
  Thread* t = head_;
  if (!t) return nullptr;
  remove_locked(t);
  detail::wake_thread(t, WakeReason::Woken);
  return t;
}

std::size_t WaitQueue::wake_all_locked() {
  std::size_t n = 0;
  while (wake_one_locked()) ++n;
  return n;
}

bool WaitQueue::wake_one() {
  bool woke;
  {
    klib::SpinGuard guard(lock_);
    woke = wake_one_locked() != nullptr;
  }
  preempt_point();
  return woke;
}

std::size_t WaitQueue::wake_all() {
  std::size_t n;
  {
    klib::SpinGuard guard(lock_);
    n = wake_all_locked();
  }
  preempt_point();
  return n;
}

// Timer callback (IRQ context on the CPU the waiter blocked on; the waiter
// may since run elsewhere). A waker may have dequeued it already: then
// nothing to do.
void detail::wait_timeout_fired(Thread* t) {
  WaitQueue* wq = t->waiting_on.load(std::memory_order_relaxed);
  if (!wq) return;
  klib::SpinGuard guard(wq->lock_);
  if (t->waiting_on.load(std::memory_order_relaxed) != wq) return;
  wq->remove_locked(t);
  detail::wake_thread(t, WakeReason::TimedOut);
}

void detail::block_on_locked(WaitQueue& q, PerCpu* c, Thread* self, std::uint64_t deadline) {
  WaitAccess::insert_locked(q, self);
  self->wake_reason = WakeReason::None;
  klib::SpinGuard cpu_guard(c->lock);
  if (deadline != kForever) {
    arm_thread_timer_locked(c, self, deadline, [](Timer*, void* arg) {
      wait_timeout_fired(static_cast<Thread*>(arg));
    });
  }
  self->state.store(ThreadState::Blocked, std::memory_order_relaxed);
}

klib::Result<void> WaitQueue::wait_impl(bool (*cond)(void*), void* ctx, std::uint64_t timeout_ns) {
  detail::IrqSave irq;
  Thread* self = this_cpu()->current;
  KASSERT(!self->is_idle);
  const std::uint64_t start = uptime_ns();
  const std::uint64_t deadline =
      timeout_ns == kForever || timeout_ns > kForever - start ? kForever : start + timeout_ns;
  for (;;) {
    PerCpu* c = this_cpu();  // each round: we may have migrated while asleep
    {
      klib::SpinGuard guard(lock_);
      if (cond && cond(ctx)) return klib::ok();
      if (deadline != kForever && uptime_ns() >= deadline) return klib::Err(klib::Error::TIMEDOUT);
      detail::block_on_locked(*this, c, self, deadline);
    }
    detail::schedule(c, false);
    if (deadline != kForever) detail::cancel_thread_timer_sync(self);
    if (!cond) {
      if (self->wake_reason == WakeReason::TimedOut) return klib::Err(klib::Error::TIMEDOUT);
      return klib::ok();
    }
    // With a condition: loop to re-check it (a timeout re-checks once more).
  }
}

klib::Result<void> Semaphore::down(std::uint64_t timeout_ns) {
  return waiters_.wait_until(
      [this] {
        if (count_ == 0) return false;
        --count_;
        return true;
      },
      timeout_ns);
}

bool Semaphore::try_down() {
  klib::SpinGuard guard(waiters_.lock());
  if (count_ == 0) return false;
  --count_;
  return true;
}

void Semaphore::up() {
  {
    klib::SpinGuard guard(waiters_.lock());
    ++count_;
    waiters_.wake_one_locked();
  }
  preempt_point();
}

}  // namespace sched
