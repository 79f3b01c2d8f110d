// sched::Mutex with transitive priority inheritance, and set_policy (which
// must respect inherited priority). Every mutex slow path and every base
// priority change runs under g_pi_lock, so owners, waiters' blocked_on
// links and held lists are stable during a chain walk; the portable walk in
// <sched/pi.hpp> decides, PiOps applies.
#include <klib/assert.hpp>
#include <klib/printk.hpp>
#include <sched/pi.hpp>
#include <sched/sched.hpp>

#include "internal.hpp"

namespace sched {
namespace {

klib::SpinLockIrq g_pi_lock;

using detail::WaitAccess;

void held_link(Thread* t, Mutex* m) {
  WaitAccess::held_prev(*m) = nullptr;
  WaitAccess::held_next(*m) = t->held;
  if (t->held) WaitAccess::held_prev(*t->held) = m;
  t->held = m;
}

void held_unlink(Thread* t, Mutex* m) {
  Mutex* prev = WaitAccess::held_prev(*m);
  Mutex* next = WaitAccess::held_next(*m);
  if (prev) {
    WaitAccess::held_next(*prev) = next;
  } else {
    t->held = next;
  }
  if (next) WaitAccess::held_prev(*next) = prev;
  WaitAccess::held_next(*m) = WaitAccess::held_prev(*m) = nullptr;
}

// Effective policy/priority for a rank: the base values when the rank is
// the thread's own; otherwise RT at the inherited priority (a fair thread
// is lifted into the RT class as Fifo, an RR thread stays RR).
void apply_rank(Thread* t, int rank) {
  if (rank == detail::base_rank(t)) {
    detail::apply_effective(t, t->base_policy, t->base_priority);
  } else {
    const Policy p = is_fair_policy(t->base_policy) ? Policy::Fifo : t->base_policy;
    detail::apply_effective(t, p, rank);
  }
}

struct PiOps {
  Thread* blocked_owner(Thread* t) {
    Mutex* m = t->blocked_on;
    return m ? m->owner() : nullptr;
  }
  bool inherits(Thread* t) {
    return t->blocked_on && t->blocked_on->protocol() == MutexProtocol::Inherit;
  }
  int rank(Thread* t) { return detail::eff_rank(t); }
  int wanted_rank(Thread* t) {
    int r = detail::base_rank(t);
    for (Mutex* m = t->held; m; m = WaitAccess::held_next(*m)) {
      if (m->protocol() != MutexProtocol::Inherit) continue;
      WaitQueue& q = WaitAccess::waiters(*m);
      klib::SpinGuard guard(WaitAccess::lock(q));
      if (Thread* top = WaitAccess::head(q)) {
        const int w = detail::eff_rank(top);
        if (w > r) r = w;
      }
    }
    return r;
  }
  void set_rank(Thread* t, int r) { apply_rank(t, r); }
};

// Re-derives t's rank after its waiters or base changed, then passes the
// change up the chain of owners it waits for.
void refresh(Thread* t) {
  PiOps ops;
  const int r = ops.wanted_rank(t);
  if (r != ops.rank(t)) ops.set_rank(t, r);
  pi_propagate(ops, t);
}

}  // namespace

void Mutex::lock() {
  auto r = timed_lock(kForever);
  if (!r.ok()) klib::panic("sched: mutex deadlock (%s)", current()->name);
}

bool Mutex::try_lock() {
  Thread* self = current();
  klib::SpinGuard pi(g_pi_lock);
  if (owner_.load(std::memory_order_relaxed)) return false;
  owner_.store(self, std::memory_order_relaxed);
  held_link(self, this);
  return true;
}

klib::Result<void> Mutex::timed_lock(std::uint64_t timeout_ns) {
  detail::IrqSave irq;
  PerCpu* c = this_cpu();
  Thread* self = c->current;
  KASSERT(!self->is_idle);
  const std::uint64_t start = uptime_ns();
  const std::uint64_t deadline =
      timeout_ns == kForever || timeout_ns > kForever - start ? kForever : start + timeout_ns;
  PiOps ops;
  {
    klib::SpinGuard pi(g_pi_lock);
    Thread* o = owner_.load(std::memory_order_relaxed);
    if (!o) {
      owner_.store(self, std::memory_order_relaxed);
      held_link(self, this);
      return klib::ok();
    }
    if (pi_would_deadlock(ops, self, o)) return klib::Err(klib::Error::DEADLK);
    if (deadline != kForever && uptime_ns() >= deadline) return klib::Err(klib::Error::TIMEDOUT);
    self->blocked_on = this;
    {
      klib::SpinGuard wq(WaitAccess::lock(waiters_));
      detail::block_on_locked(waiters_, c, self, deadline);
    }
    if (protocol_ == MutexProtocol::Inherit) pi_propagate(ops, self);
  }
  detail::schedule(c, false);
  if (deadline != kForever) detail::cancel_thread_timer_sync(self);
  klib::SpinGuard pi(g_pi_lock);
  // unlock() hands ownership over directly and clears blocked_on.
  if (owner_.load(std::memory_order_relaxed) == self) return klib::ok();
  // Timed out: the timer took us off the queue. We may have boosted the
  // owner (and its chain): re-derive without us.
  self->blocked_on = nullptr;
  {
    klib::SpinGuard wq(WaitAccess::lock(waiters_));
    if (self->waiting_on.load(std::memory_order_relaxed) == &waiters_)
      WaitAccess::remove_locked(waiters_, self);
  }
  if (protocol_ == MutexProtocol::Inherit) {
    if (Thread* o = owner_.load(std::memory_order_relaxed)) refresh(o);
  }
  return klib::Err(klib::Error::TIMEDOUT);
}

void Mutex::unlock() {
  {
    Thread* self = current();
    klib::SpinGuard pi(g_pi_lock);
    KASSERT(owner_.load(std::memory_order_relaxed) == self);
    held_unlink(self, this);
    Thread* next;
    {
      klib::SpinGuard wq(WaitAccess::lock(waiters_));
      next = WaitAccess::head(waiters_);
      if (next) {
        // Highest-priority waiter first; it owns the mutex before it runs.
        WaitAccess::remove_locked(waiters_, next);
        next->blocked_on = nullptr;
        owner_.store(next, std::memory_order_relaxed);
        held_link(next, this);
        detail::wake_thread(next, WakeReason::Woken);
      } else {
        owner_.store(nullptr, std::memory_order_relaxed);
      }
    }
    if (protocol_ == MutexProtocol::Inherit) {
      // Drop to what the mutexes still held justify; the new owner inherits
      // from the waiters that remain.
      PiOps ops;
      const int mine = ops.wanted_rank(self);
      if (mine != ops.rank(self)) ops.set_rank(self, mine);
      if (next) {
        const int theirs = ops.wanted_rank(next);
        if (theirs != ops.rank(next)) ops.set_rank(next, theirs);
      }
    }
  }
  preempt_point();  // the woken waiter or the lowered priority may preempt us
}

klib::Result<void> set_policy(Thread* t, Policy policy, int priority_or_nice) {
  if (!t || t->is_idle) return klib::Err(klib::Error::INVAL);
  switch (policy) {
    case Policy::Fifo:
    case Policy::RoundRobin:
      if (priority_or_nice < kMinPriority || priority_or_nice > kMaxPriority)
        return klib::Err(klib::Error::INVAL);
      break;
    case Policy::Fair:
      if (priority_or_nice < kMinNice || priority_or_nice > kMaxNice)
        return klib::Err(klib::Error::INVAL);
      break;
    case Policy::Idle:
      break;
  }
  {
    klib::SpinGuard pi(g_pi_lock);
    t->base_policy = policy;
    if (policy == Policy::Fair) t->nice = static_cast<std::int8_t>(priority_or_nice);
    if (!is_fair_policy(policy)) t->base_priority = static_cast<std::uint8_t>(priority_or_nice);
    PiOps ops;
    // Always re-apply: the rank may be equal while policy or nice changed.
    apply_rank(t, ops.wanted_rank(t));
    pi_propagate(ops, t);
  }
  preempt_point();
  return klib::ok();
}

}  // namespace sched
