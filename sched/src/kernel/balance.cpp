// Moving threads between CPUs: affinity-driven hand-over (drain of a CPU's
// migrate list), idle pull from the busiest CPU, and the load snapshot the
// portable balancer decides on.
#include <klib/assert.hpp>
#include <sched/sched.hpp>

#include "internal.hpp"

namespace sched::detail {
namespace {

// Moves queued-or-in-transit `t` (not on any CPU's stack, no run queue)
// from src to dst; both locks held.
void move_locked(Thread* t, PerCpu* src, PerCpu* dst) {
  RunQueue::rebase_vruntime(&t->se, src->rq, dst->rq);
  t->cpu.store(dst->index, std::memory_order_release);
  ++t->migrations;
}

}  // namespace

void snapshot_load(LoadSnapshot* s) {
  s->n = 0;
  for (unsigned i = 0; i < kMaxCpus; ++i) {
    PerCpu* c = cpu(i);
    CpuLoad& l = s->cpus[i];
    l = CpuLoad{};
    if (c) {
      l.online = c->online;
      l.nr_running = c->nr_running.load(std::memory_order_relaxed);
      l.current_rank = c->current_rank.load(std::memory_order_relaxed);
      s->n = i + 1;
    }
  }
}

void drain_migrations(PerCpu* c) {
  for (;;) {
    Thread* t;
    {
      klib::SpinGuard guard(c->lock);
      t = c->migrate_head;
      // Still on this CPU's stack (cannot happen once finish_switch ran, but
      // a later drain will pick it up).
      if (!t || t->on_cpu.load(std::memory_order_acquire)) return;
    }
    LoadSnapshot s;
    snapshot_load(&s);
    int d = select_wake_cpu({s.cpus, s.n}, t->affinity, -1, eff_rank(t));
    if (d < 0) d = static_cast<int>(c->index);  // nowhere allowed is online: stay
    PerCpu* dst = cpu(static_cast<unsigned>(d));
    Kick kick;
    {
      DoubleCpuLock locks(c, dst);
      if (c->migrate_head != t) continue;
      c->migrate_head = t->migrate_next;
      t->migrate_next = nullptr;
      if (dst != c) move_locked(t, c, dst);
      rq_add(dst, t, true);
      kick.resched = check_preempt_locked(dst, t);
    }
    do_kick(kick);
  }
}

bool try_pull(PerCpu* c) {
  LoadSnapshot s;
  snapshot_load(&s);
  // A CPU whose queued threads are all pinned there has nothing to give.
  for (unsigned i = 0; i < s.n; ++i) {
    PerCpu* o = cpu(i);
    if (o && o->nr_migratable.load(std::memory_order_relaxed) == 0 && s.cpus[i].nr_running > 1)
      s.cpus[i].nr_running = 1;
  }
  const int b = find_busiest({s.cpus, s.n}, c->index);
  if (b < 0) return false;
  PerCpu* src = cpu(static_cast<unsigned>(b));
  DoubleCpuLock locks(c, src);
  SchedEntity* e = src->rq.find([&](SchedEntity* se) {
    Thread* t = thread_of(se);
    // Not the one src is still switching away from (its stack is live).
    return cpu_allowed(t->affinity, c->index) && t->preempt_count == 0 &&
           !t->on_cpu.load(std::memory_order_acquire);
  });
  if (!e) return false;
  Thread* t = thread_of(e);
  rq_del(src, t);
  move_locked(t, src, c);
  rq_add(c, t, true);
  c->need_resched.store(true, std::memory_order_relaxed);
  c->pulls.fetch_add(1, std::memory_order_relaxed);
  return true;
}

}  // namespace sched::detail
