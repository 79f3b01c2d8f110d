// The scheduling core: pick-next and context switch, wake-up (local and
// remote via IPI, choosing a CPU), tickless timer programming, effective
// priority changes, and the interrupt upcalls. Migration and balancing are
// in balance.cpp.
#include <hal/context.hpp>
#include <hal/irq.hpp>
#include <hal/timer.hpp>
#include <hal/upcalls.hpp>
#include <klib/assert.hpp>
#include <klib/printk.hpp>
#include <sched/sched.hpp>

#include "internal.hpp"

namespace sched::detail {

ThreadCpuLock::ThreadCpuLock(Thread* t) {
  for (;;) {
    PerCpu* c = sched::cpu(t->cpu.load(std::memory_order_acquire));
    flags_ = c->lock.lock();
    if (t->cpu.load(std::memory_order_relaxed) == c->index) {
      c_ = c;
      return;
    }
    c->lock.unlock(flags_);  // migrated meanwhile: follow it
  }
}

DoubleCpuLock::DoubleCpuLock(PerCpu* a, PerCpu* b) {
  if (a == b) {
    first_ = a;
    second_ = nullptr;
  } else {
    first_ = a->index < b->index ? a : b;
    second_ = a->index < b->index ? b : a;
  }
  f1_ = first_->lock.lock();
  if (second_) f2_ = second_->lock.lock();
}

DoubleCpuLock::~DoubleCpuLock() {
  if (second_) second_->lock.unlock(f2_);
  first_->lock.unlock(f1_);
}

namespace {

// Charges the time since the last accounting point to c->current: runtime,
// and the slice (which may request a reschedule).
void account_locked(PerCpu* c, std::uint64_t now) {
  Thread* cur = c->current;
  const std::uint64_t delta = now > c->last_account_ns ? now - c->last_account_ns : 0;
  c->last_account_ns = now;
  cur->runtime_ns += delta;
  if (cur->is_idle || cur->state.load(std::memory_order_relaxed) != ThreadState::Running) return;
  if (c->rq.charge(&cur->se, delta)) c->need_resched.store(true, std::memory_order_relaxed);
}

void send_resched_ipi(PerCpu* c) {
  if (!c->online) return;
  c->ipis_sent.fetch_add(1, std::memory_order_relaxed);
  hal::ipi_send(c->index, hal::Ipi::Reschedule);
}

// More than one allowed CPU. Not std::popcount: GCC lowers it to SIMD `cnt`
// on aarch64 even with -mgeneral-regs-only, which clobbers q0 of threads
// that own FP state.
bool migratable(const Thread* t) { return (t->affinity & (t->affinity - 1)) != 0; }

// Queues a Runnable thread on c (lock held) and works out who to poke: c
// itself if it should preempt (locally a flag; remotely an IPI), c when it
// now needs a slice timer, and an idle CPU when c has more than it runs.
Kick enqueue_locked(PerCpu* c, Thread* t) {
  Kick k;
  const Thread* cur = c->current;
  const SchedEntity* cur_se = cur && !cur->is_idle ? &cur->se : nullptr;
  const bool had_timer = c->rq.needs_slice_timer(cur_se);
  rq_add(c, t, true);
  const bool local = c == this_cpu();
  if (!cur || RunQueue::should_preempt(cur_se, t->se)) {
    if (local) {
      c->need_resched.store(true, std::memory_order_relaxed);
    } else {
      k.resched = c;
    }
  } else if (!had_timer && c->rq.needs_slice_timer(cur_se)) {
    // The first peer of a running RR/fair thread: that CPU may be tickless
    // and must now arm a slice timer (remotely, the pass through schedule()
    // triggered by the IPI does it).
    if (local) {
      program_timer_locked(c, uptime_ns());
    } else {
      k.resched = c;
    }
  }
  if (kBalancing && cur_se && c->nr_migratable.load(std::memory_order_relaxed) > 0) {
    // More runnable work here than this CPU can run: wake an idle CPU so it
    // pulls (idle CPUs are tickless and would not notice otherwise).
    LoadSnapshot s;
    snapshot_load(&s);
    k.idle = find_idle({s.cpus, s.n}, kAllCpus, static_cast<int>(c->index));
  }
  return k;
}

}  // namespace

void do_kick(const Kick& k) {
  if (k.resched) send_resched_ipi(k.resched);
  if (k.idle >= 0) {
    PerCpu* ic = cpu(static_cast<unsigned>(k.idle));
    if (ic && ic != k.resched) send_resched_ipi(ic);
  }
}

void update_load(PerCpu* c) {
  const Thread* cur = c->current;
  const bool busy = cur && !cur->is_idle;
  c->nr_running.store(static_cast<unsigned>(c->rq.size()) + (busy ? 1 : 0),
                      std::memory_order_relaxed);
  c->current_rank.store(cur ? eff_rank(cur) : kIdleRank, std::memory_order_relaxed);
}

void rq_add(PerCpu* c, Thread* t, bool tail) {
  if (tail) {
    c->rq.enqueue_tail(&t->se);
  } else {
    c->rq.requeue_preempted(&t->se);
  }
  if (migratable(t)) c->nr_migratable.fetch_add(1, std::memory_order_relaxed);
  update_load(c);
}

void rq_del(PerCpu* c, Thread* t) {
  c->rq.dequeue(&t->se);
  if (migratable(t)) c->nr_migratable.fetch_sub(1, std::memory_order_relaxed);
  update_load(c);
}

PerCpu* check_preempt_locked(PerCpu* c, Thread* t) {
  const Thread* cur = c->current;
  bool resched = false;
  if (cur == t) {
    // t runs there: does anything queued now outrank it?
    const SchedEntity* top = c->rq.peek();
    resched = top && !t->is_idle && RunQueue::should_preempt(&t->se, *top);
  } else if (t->se.queued) {
    resched = !cur || cur->is_idle || RunQueue::should_preempt(&cur->se, t->se);
  }
  if (!resched) return nullptr;
  if (c == this_cpu()) {
    c->need_resched.store(true, std::memory_order_relaxed);
    return nullptr;
  }
  return c;
}

void program_timer_locked(PerCpu* c, std::uint64_t now) {
  std::uint64_t deadline = kForever;
  if (auto d = c->timers.next_deadline()) deadline = *d;
  Thread* cur = c->current;
  // A slice already used up means a reschedule is pending (deferred while
  // preemption is disabled): re-arming for "now" would storm the CPU.
  if (cur && !cur->is_idle && cur->se.slice_left_ns > 0 && c->rq.needs_slice_timer(&cur->se)) {
    const std::uint64_t slice_end = now + cur->se.slice_left_ns;
    if (slice_end < deadline) deadline = slice_end;
  }
  if (deadline == kForever) {
    hal::timer_cancel();  // tickless: nothing to wake this CPU for
  } else {
    hal::timer_set_oneshot(uptime_to_ticks(deadline));
  }
}

void add_timer_locked(PerCpu* c, Timer* t, std::uint64_t deadline_ns) {
  if (c->timers.add(t, deadline_ns) && c == this_cpu()) program_timer_locked(c, uptime_ns());
}

void arm_thread_timer_locked(PerCpu* c, Thread* t, std::uint64_t deadline_ns, TimerCallback cb) {
  t->timer.callback = cb;
  t->timer.arg = t;
  t->timer_cpu = c->index;
  add_timer_locked(c, &t->timer, deadline_ns);
}

void cancel_thread_timer_sync(Thread* t) {
  PerCpu* tc = cpu(t->timer_cpu);
  for (;;) {
    {
      klib::SpinGuard guard(tc->lock);
      if (tc->timers.cancel(&t->timer) || tc->running_timer != &t->timer) return;
    }
    // Its callback runs on that CPU right now (we migrated away): it must
    // finish before the timer (and the thread) can be reused.
    hal::cpu_relax();
  }
}

void finish_switch(PerCpu* c) {
  Thread* prev = c->prev;
  if (prev) {
    c->prev = nullptr;
    const bool dead = prev->state.load(std::memory_order_relaxed) == ThreadState::Dead;
    prev->on_cpu.store(false, std::memory_order_release);
    if (dead) release_ref(prev);
  }
  if (kBalancing && c->migrate_head) drain_migrations(c);
}

void schedule(PerCpu* c, bool yield) {
  KASSERT(!hal::irqs_enabled());
  finish_switch(c);
  Thread* prev = c->current;
  Thread* next;
  Kick kick;
  {
    klib::SpinGuard guard(c->lock);
    const std::uint64_t now = uptime_ns();
    account_locked(c, now);
    c->need_resched.store(false, std::memory_order_relaxed);
    if (prev->state.load(std::memory_order_relaxed) == ThreadState::Running && !prev->is_idle) {
      prev->state.store(ThreadState::Runnable, std::memory_order_relaxed);
      if (!cpu_allowed(prev->affinity, c->index) && prev->preempt_count == 0) {
        // Its affinity changed: hand it over once it is off this stack.
        prev->migrate_next = c->migrate_head;
        c->migrate_head = prev;
      } else {
        rq_add(c, prev, yield);
      }
    }
    Thread* picked = nullptr;
    while (SchedEntity* e = c->rq.peek()) {
      Thread* t = thread_of(e);
      rq_del(c, t);
      if (cpu_allowed(t->affinity, c->index) || t->preempt_count > 0) {
        picked = t;
        break;
      }
      t->migrate_next = c->migrate_head;  // affinity changed while queued
      c->migrate_head = t;
    }
    next = picked ? picked : c->idle;
    next->state.store(ThreadState::Running, std::memory_order_relaxed);
    c->current = next;
    update_load(c);
    program_timer_locked(c, now);
    // Still more to run than this CPU can: let an idle CPU come and pull.
    if (kBalancing && c->nr_migratable.load(std::memory_order_relaxed) > 0 && !c->rq.empty()) {
      LoadSnapshot s;
      snapshot_load(&s);
      kick.idle = find_idle({s.cpus, s.n}, kAllCpus, static_cast<int>(c->index));
    }
  }
  do_kick(kick);
  if (next == prev) {
    if (kBalancing && c->migrate_head) drain_migrations(c);
    return;
  }
  c->context_switches.fetch_add(1, std::memory_order_relaxed);
  ++next->switches_in;
  next->on_cpu.store(true, std::memory_order_relaxed);
  c->prev = prev;
  hal::context_switch(&prev->ctx, &next->ctx);
  // Back on `prev`'s stack, possibly much later and on another CPU.
  finish_switch(this_cpu());
}

bool wake_thread(Thread* t, WakeReason reason) {
  IrqSave irq;
  Kick kick;
  for (;;) {
    PerCpu* src = cpu(t->cpu.load(std::memory_order_acquire));
    PerCpu* dst = src;
    // Only a thread entirely off its old CPU may move; a sched_lock holder
    // stays put.
    if (kBalancing && !t->on_cpu.load(std::memory_order_acquire) && t->preempt_count == 0 &&
        cpus_online() > 1) {
      LoadSnapshot s;
      snapshot_load(&s);
      const int d =
          select_wake_cpu({s.cpus, s.n}, t->affinity, static_cast<int>(src->index), eff_rank(t));
      if (d >= 0) dst = cpu(static_cast<unsigned>(d));
    }
    DoubleCpuLock locks(src, dst);
    if (t->cpu.load(std::memory_order_relaxed) != src->index) continue;
    if (t->state.load(std::memory_order_relaxed) != ThreadState::Blocked) return false;
    if (dst != src && t->on_cpu.load(std::memory_order_acquire)) dst = src;
    if (dst != src) {
      RunQueue::rebase_vruntime(&t->se, src->rq, dst->rq);
      t->cpu.store(dst->index, std::memory_order_release);
      ++t->migrations;
    }
    t->wake_reason = reason;
    t->state.store(ThreadState::Runnable, std::memory_order_relaxed);
    kick = enqueue_locked(dst, t);
    break;
  }
  do_kick(kick);
  return true;
}

void start_thread(Thread* t) {
  Kick kick;
  {
    ThreadCpuLock locked(t);
    t->state.store(ThreadState::Runnable, std::memory_order_relaxed);
    kick = enqueue_locked(locked.cpu(), t);
  }
  do_kick(kick);
}

void apply_effective(Thread* t, Policy policy, int priority) {
  IrqSave irq;
  PerCpu* ipi = nullptr;
  for (;;) {
    // A waiting thread also moves within its wait queue: that lock first.
    WaitQueue* wq = t->waiting_on.load(std::memory_order_acquire);
    hal::IrqFlags wf = 0;
    if (wq) {
      wf = WaitAccess::lock(*wq).lock();
      if (t->waiting_on.load(std::memory_order_relaxed) != wq) {
        WaitAccess::lock(*wq).unlock(wf);
        continue;
      }
    }
    {
      ThreadCpuLock locked(t);
      PerCpu* c = locked.cpu();
      const bool queued = t->se.queued;
      if (queued) rq_del(c, t);
      if (is_fair_policy(policy) && !t->se.fair() && !t->se.placed) {
        t->se.vruntime = c->rq.min_vruntime();  // entering the fair class
        t->se.placed = true;
      }
      t->se.policy = policy;
      t->se.priority = static_cast<std::uint8_t>(priority);
      t->se.weight = policy == Policy::Idle ? kIdlePolicyWeight : nice_to_weight(t->nice);
      if (queued) rq_add(c, t, true);
      update_load(c);
      ipi = check_preempt_locked(c, t);
      if (c->current == t && c == this_cpu()) program_timer_locked(c, uptime_ns());
    }
    if (wq) {
      WaitAccess::remove_locked(*wq, t);
      WaitAccess::insert_locked(*wq, t);
      WaitAccess::lock(*wq).unlock(wf);
    }
    break;
  }
  if (ipi) send_resched_ipi(ipi);
}

}  // namespace sched::detail

namespace kernel {

void on_timer_interrupt() {
  using namespace sched;
  PerCpu* c = this_cpu();
  if (!c) {
    hal::timer_cancel();
    return;
  }
  c->timer_irqs.fetch_add(1, std::memory_order_relaxed);
  const std::uint64_t now = uptime_ns();
  {
    klib::SpinGuard guard(c->lock);
    detail::account_locked(c, now);
  }
  // Callbacks run without the CPU lock: a wake-up takes it again.
  // running_timer lets cancel_thread_timer_sync wait for one in progress.
  for (;;) {
    Timer* t;
    {
      klib::SpinGuard guard(c->lock);
      c->running_timer = nullptr;
      t = c->timers.pop_expired(now);
      c->running_timer = t;
    }
    if (!t) break;
    if (t->callback) t->callback(t, t->arg);
  }
  klib::SpinGuard guard(c->lock);
  detail::program_timer_locked(c, uptime_ns());
}

void on_ipi(hal::Ipi kind) {
  using namespace sched;
  PerCpu* c = this_cpu();
  if (!c) return;
  c->ipis_received.fetch_add(1, std::memory_order_relaxed);
  switch (kind) {
    case hal::Ipi::Reschedule:
      c->need_resched.store(true, std::memory_order_relaxed);
      break;
    case hal::Ipi::Call:
      break;  // no smp_call yet
    case hal::Ipi::Stop:
      hal::irq_disable();
      hal::halt_forever();
  }
}

void on_irq_exit() {
  using namespace sched;
  PerCpu* c = this_cpu();
  if (!c || !c->need_resched.load(std::memory_order_relaxed)) return;
  if (c->current->preempt_count > 0) return;  // preempt_enable() picks it up
  detail::schedule(c, false);
}

}  // namespace kernel
