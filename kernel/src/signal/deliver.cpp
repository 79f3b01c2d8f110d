// Signal delivery on the receiving thread: synchronously when an API call
// ends (signal_deliver), or asynchronously when an interrupt returns to a
// thread with a deliverable signal, by diverting the return through a
// trampoline that runs the handlers on the thread's own stack and then
// resumes the interrupted code (nested deliveries stack up the same way).
#include <hal/trap.hpp>
#include <hal/upcalls.hpp>
#if FUSION_CONFIG_MMU
#include <hal/user.hpp>
#endif
#include <sched/sched.hpp>

#include "internal.hpp"

namespace kernel {
namespace {

constexpr int kMaxNesting = 8;  // handlers interrupted by handlers, per thread

void deliver_async(void*) { signal_deliver(); }

}  // namespace

int signal_deliver() {
  ProcessThread* self = current_thread();
  if (!self) return 0;
  // User-mode processes take signals on the way back to user mode, where
  // their personality builds handler frames (kernel/user.hpp).
  if (detail::user_mode_rules(self->process)) return 0;
  SignalState& ps = self->process->signals;
  int ran = 0;
  for (;;) {
    SigInfo info;
    SignalAction act;
    SigSet saved = 0;
    int s = 0;
    {
      klib::SpinGuard guard(ps.lock);
      self->signals.notify.store(false, std::memory_order_relaxed);
      if (!detail::rules_locked(self->process)) return ran;
      const SigSet blocked = self->signals.blocked.load();
      const SigSet ready =
          (self->signals.queue.pending.load() | ps.queue.pending.load()) & ~blocked;
      if (!ready) return ran;
      s = detail::lowest(ready);
      if (!detail::queue_take(self->signals.queue, s, &info))
        (void)detail::queue_take(ps.queue, s, &info);
      act = ps.actions[s];
      if (act.handler == kSigIgnore) continue;
      if (act.handler == kSigDefault) {
        if (ps.rules->default_ignore & sig_bit(s)) continue;
      } else {
        saved = blocked;
        SigSet during = blocked | act.mask;
        if (!(act.flags & kSaNoDefer)) during |= sig_bit(s);
        self->signals.blocked.store(during & ~ps.rules->uncatchable);
        if (act.flags & kSaResetHand) ps.actions[s] = SignalAction{};
      }
    }
    if (act.handler == kSigDefault) ps.rules->terminate(s);
    ++self->signals.depth;
    ps.rules->invoke(act, info);
    --self->signals.depth;
    {
      // The handler's own mask changes end with it (POSIX).
      klib::SpinGuard guard(ps.lock);
      self->signals.blocked.store(saved);
    }
    ++ran;
  }
}

bool signal_interrupting(const ProcessThread* t) {
  const SigSet pend = t->signals.queue.pending.load() | t->process->signals.queue.pending.load();
  return pend & (~t->signals.blocked.load() | t->signals.wait_set.load());
}

bool signal_take(SigSet set, SigInfo* out) {
  ProcessThread* self = current_thread();
  if (!self) return false;
  SignalState& ps = self->process->signals;
  klib::SpinGuard guard(ps.lock);
  const SigSet ready = (self->signals.queue.pending.load() | ps.queue.pending.load()) & set;
  if (!ready) return false;
  const int s = detail::lowest(ready);
  if (!detail::queue_take(self->signals.queue, s, out)) (void)detail::queue_take(ps.queue, s, out);
  return true;
}

namespace detail {

ProcessThread* signal_wait_begin(sched::WaitQueue& wq, SigSet also) {
  ProcessThread* self = current_thread();
  if (!self) return nullptr;
  klib::SpinGuard guard(self->process->signals.lock);
  if (!detail::rules_locked(self->process)) return nullptr;
  self->signals.wait_set.store(also);
  self->signals.waiting_on.store(&wq, std::memory_order_seq_cst);
  return self;
}

void signal_wait_end(ProcessThread* t) {
  if (!t) return;
  // Under the lock: a sender that saw waiting_on finishes waking it first.
  klib::SpinGuard guard(t->process->signals.lock);
  t->signals.waiting_on.store(nullptr, std::memory_order_relaxed);
  t->signals.wait_set.store(0);
}

}  // namespace detail

SignalDeferGuard::SignalDeferGuard() : t_(current_thread()) {
  if (t_) ++t_->signals.no_deliver;
}

SignalDeferGuard::~SignalDeferGuard() {
  if (t_) --t_->signals.no_deliver;
}

// On the way out of every interrupt, interrupts masked, after any context
// switch: divert the return when the thread has a deliverable signal and is
// at a safe point (no preemption-disabled region, no deferral).
void on_irq_return(hal::TrapFrame* frame) {
#if FUSION_CONFIG_MMU
  // A user-mode frame is never diverted: its stack is the user's. The
  // return-to-user path (on_user_return) delivers instead.
  if (hal::trap_frame_is_user(*frame)) return;
#endif
  ProcessThread* self = current_thread();
  if (!self || !self->signals.notify.load(std::memory_order_relaxed)) return;
  if (detail::user_mode_rules(self->process)) return;  // on_user_return delivers instead
  const sched::Thread* t = sched::current();
  if (t->preempt_count > 0 || self->signals.no_deliver > 0 || self->signals.depth >= kMaxNesting)
    return;
  if (!signal_interrupting(self)) return;
  hal::trap_frame_divert(*frame, &deliver_async, nullptr);
}

}  // namespace kernel
