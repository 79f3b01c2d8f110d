// Signal generation and the per-process/per-thread state: actions, masks,
// kill/queue to a process or a thread, waking or kicking the thread that
// will take the signal.
#include <hal/irq.hpp>
#include <sched/sched.hpp>

#include "../process/internal.hpp"
#include "internal.hpp"

namespace kernel {
namespace {

std::atomic<const SignalRules*> g_default_rules{nullptr};

bool ignored(const SignalState& ps, int signo) {
  const SignalAction& a = ps.actions[signo];
  if (a.handler == kSigIgnore) return true;
  return a.handler == kSigDefault && (ps.rules->default_ignore & sig_bit(signo));
}

// Makes `t` act on a signal it can take now: wakes an interruptible wait or
// forces a running/preempted thread through an interrupt return. Called
// under the process's signal lock, which keeps `waiting_on` alive.
void kick(ProcessThread* t) {
  t->signals.notify.store(true, std::memory_order_seq_cst);
  if (sched::WaitQueue* wq = t->signals.waiting_on.load(std::memory_order_seq_cst)) wq->wake_all();
  sched::Thread* st = t->thread;
  if (!st || st == sched::current()) return;
  const auto state = st->state.load(std::memory_order_relaxed);
  if (state == sched::ThreadState::Running || state == sched::ThreadState::Runnable)
    hal::ipi_send(st->cpu.load(std::memory_order_relaxed), hal::Ipi::Reschedule);
}

bool takes(const ProcessThread* t, int signo) {
  const SigSet b = sig_bit(signo);
  return (t->signals.wait_set.load() & b) || !(t->signals.blocked.load() & b);
}

// Queues `info` on `t` (thread-directed) or on the process, waking whoever
// takes it. `target` may be null for a process-directed signal nobody can
// take now (it stays pending on the process).
klib::Result<void> generate(Process* p, ProcessThread* target, bool thread_directed,
                            const SigInfo& info) {
  SignalState& ps = p->signals;
  const int s = info.signo;
  klib::SpinGuard guard(ps.lock);
  if (!detail::rules_locked(p)) return klib::Err(klib::Error::PERM);
  // Ignored signals vanish at generation unless blocked (sigwait may want them).
  const bool blocked_by_target = target && (target->signals.blocked.load() & sig_bit(s));
  if (ignored(ps, s) && !blocked_by_target &&
      !(target && (target->signals.wait_set.load() & sig_bit(s))))
    return klib::ok();
  SigQueue& q = thread_directed ? target->signals.queue : ps.queue;
  // Standard signals do not queue: one instance is pending at most.
  if ((q.pending.load() & sig_bit(s)) && !(ps.rules->queued & sig_bit(s))) return klib::ok();
  SigNode* n = detail::node_alloc(ps.rules->queued & sig_bit(s));
  if (!n) return klib::Err(klib::Error::AGAIN);
  n->info = info;
  detail::queue_push(q, n);
  if (target && takes(target, s)) kick(target);
  return klib::ok();
}

}  // namespace

const SignalRules* detail::rules_locked(Process* p) {
  if (!p->signals.rules && p->pid != kKernelPid)
    p->signals.rules = g_default_rules.load(std::memory_order_acquire);
  return p->signals.rules;
}

void signal_set_default_rules(const SignalRules* rules) {
  g_default_rules.store(rules, std::memory_order_release);
}

void signal_init_process(Process* p, const SignalRules* rules) {
  klib::SpinGuard guard(p->signals.lock);
  for (auto& a : p->signals.actions) a = SignalAction{};
  p->signals.rules = rules;
}

klib::Result<void> signal_action(int signo, const SignalAction* act, SignalAction* old) {
  if (!sig_valid(signo)) return klib::Err(klib::Error::INVAL);
  Process* p = current_process();
  SignalState& ps = p->signals;
  {
    klib::SpinGuard guard(ps.lock);
    if (!detail::rules_locked(p)) return klib::Err(klib::Error::INVAL);
    if (act && (ps.rules->uncatchable & sig_bit(signo)) && act->handler != kSigDefault)
      return klib::Err(klib::Error::INVAL);
    if (old) *old = ps.actions[signo];
    if (!act) return klib::ok();
    ps.actions[signo] = *act;
    ps.actions[signo].mask &= ~ps.rules->uncatchable;
    if (!ignored(ps, signo)) return klib::ok();
    detail::queue_discard(ps.queue, signo);
  }
  // POSIX: pending instances of a signal set to be ignored are discarded.
  klib::SpinGuard reg(detail::g_registry_lock);
  klib::SpinGuard guard(ps.lock);
  p->threads.for_each([&](ProcessThread* t) { detail::queue_discard(t->signals.queue, signo); });
  return klib::ok();
}

klib::Result<void> signal_mask(MaskHow how, const SigSet* set, SigSet* old, bool deliver) {
  ProcessThread* self = current_thread();
  if (!self) return klib::Err(klib::Error::INVAL);
  SignalState& ps = self->process->signals;
  {
    klib::SpinGuard guard(ps.lock);
    const SigSet cur = self->signals.blocked.load();
    if (old) *old = cur;
    if (!set) return klib::ok();
    SigSet next = cur;
    switch (how) {
      case MaskHow::Block:
        next = cur | *set;
        break;
      case MaskHow::Unblock:
        next = cur & ~*set;
        break;
      case MaskHow::Set:
        next = *set;
        break;
      default:
        return klib::Err(klib::Error::INVAL);
    }
    if (const SignalRules* r = detail::rules_locked(self->process)) next &= ~r->uncatchable;
    self->signals.blocked.store(next & kAllSignals);
  }
  if (deliver) signal_deliver();
  return klib::ok();
}

SigSet signal_blocked() {
  ProcessThread* self = current_thread();
  return self ? self->signals.blocked.load() : 0;
}

SigSet signal_pending() {
  ProcessThread* self = current_thread();
  if (!self) return 0;
  SignalState& ps = self->process->signals;
  klib::SpinGuard guard(ps.lock);
  return (self->signals.queue.pending.load() | ps.queue.pending.load()) &
         self->signals.blocked.load();
}

klib::Result<void> signal_send_process(int pid, const SigInfo& info) {
  if (info.signo != 0 && !sig_valid(info.signo)) return klib::Err(klib::Error::INVAL);
  if (pid <= 0) return klib::Err(klib::Error::SRCH);
  Process* p = nullptr;
  ProcessThread* target = nullptr;
  {
    klib::SpinGuard guard(detail::g_registry_lock);
    detail::all_processes().for_each([&](Process* c) {
      if (!p && c->pid == pid && c->state == ProcessState::Running) p = c;
    });
    if (!p) return klib::Err(klib::Error::SRCH);
    if (info.signo == 0) return klib::ok();
    // The thread to take it: one waiting for it, else the main thread if it
    // does not block it, else any thread that does not.
    ProcessThread* any = nullptr;
    p->threads.for_each([&](ProcessThread* t) {
      if (t->exited.load(std::memory_order_relaxed)) return;
      if (!any) any = t;
      if (target) return;
      if (t->signals.wait_set.load() & sig_bit(info.signo)) target = t;
    });
    if (!target) {
      ProcessThread* m = p->main_thread;
      if (m && !m->exited.load(std::memory_order_relaxed) && takes(m, info.signo)) target = m;
    }
    if (!target) {
      p->threads.for_each([&](ProcessThread* t) {
        if (!target && !t->exited.load(std::memory_order_relaxed) && takes(t, info.signo))
          target = t;
      });
    }
    if (!target) target = any;  // for the "ignored unless blocked" check only
    detail::process_get(p);
    if (target) target->refs.fetch_add(1, std::memory_order_relaxed);
  }
  auto r = generate(p, target, false, info);
  thread_put(target);
  detail::process_put(p);
  return r;
}

klib::Result<void> signal_send_to(ProcessThread* t, const SigInfo& info) {
  if (info.signo != 0 && !sig_valid(info.signo)) return klib::Err(klib::Error::INVAL);
  if (!t || t->exited.load(std::memory_order_acquire)) return klib::Err(klib::Error::SRCH);
  if (info.signo == 0) return klib::ok();
  return generate(t->process, t, true, info);
}

klib::Result<void> signal_send_thread(int tid, const SigInfo& info) {
  if (info.signo != 0 && !sig_valid(info.signo)) return klib::Err(klib::Error::INVAL);
  ProcessThread* t = thread_get(tid);
  if (!t) return klib::Err(klib::Error::SRCH);
  auto r = signal_send_to(t, info);
  thread_put(t);
  return r;
}

}  // namespace kernel
