// The signal core's side of user-mode handlers: a personality asks for the
// next deliverable signal on the way back to user mode and builds the
// handler's frame itself (the mask change stays until its sigreturn), faults
// are queued to the faulting thread, execve resets the actions, and kill(-1)
// reaches every process.
#include <mm/heap.hpp>

#include "../process/internal.hpp"
#include "internal.hpp"

namespace kernel {
namespace {

// The lowest deliverable signal that is not ignored, its instance still
// queued (lock held). Ignored instances are discarded on the way.
int next_locked(ProcessThread* self) {
  SignalState& ps = self->process->signals;
  for (;;) {
    const SigSet ready = (self->signals.queue.pending.load() | ps.queue.pending.load()) &
                         ~self->signals.blocked.load();
    if (!ready) return 0;
    const int s = detail::lowest(ready);
    const SignalAction& a = ps.actions[s];
    const bool ignore = a.handler == kSigIgnore ||
                        (a.handler == kSigDefault && (ps.rules->default_ignore & sig_bit(s)));
    if (!ignore) return s;
    SigInfo drop;
    if (!detail::queue_take(self->signals.queue, s, &drop))
      (void)detail::queue_take(ps.queue, s, &drop);
  }
}

}  // namespace

bool signal_next_for_user(UserDelivery* out) {
  ProcessThread* self = current_thread();
  if (!self) return false;
  SignalState& ps = self->process->signals;
  int s = 0;
  {
    klib::SpinGuard guard(ps.lock);
    self->signals.notify.store(false, std::memory_order_relaxed);
    if (!detail::rules_locked(self->process)) return false;
    s = next_locked(self);
    if (!s) return false;
    if (!detail::queue_take(self->signals.queue, s, &out->info))
      (void)detail::queue_take(ps.queue, s, &out->info);
    out->action = ps.actions[s];
    if (out->action.handler != kSigDefault) {
      const SigSet blocked = self->signals.blocked.load();
      out->old_mask = blocked;
      SigSet during = blocked | out->action.mask;
      if (!(out->action.flags & kSaNoDefer)) during |= sig_bit(s);
      self->signals.blocked.store(during & ~ps.rules->uncatchable & kAllSignals);
      if (out->action.flags & kSaResetHand) ps.actions[s] = SignalAction{};
      return true;
    }
  }
  ps.rules->terminate(s);  // the default action of a signal not ignored
  return false;
}

bool signal_peek_action(SignalAction* out) {
  ProcessThread* self = current_thread();
  if (!self) return false;
  SignalState& ps = self->process->signals;
  klib::SpinGuard guard(ps.lock);
  if (!detail::rules_locked(self->process)) return false;
  const int s = next_locked(self);
  if (!s) return false;
  *out = ps.actions[s];
  return true;
}

bool signal_fault(const SigInfo& info) {
  ProcessThread* self = current_thread();
  if (!self || !sig_valid(info.signo)) return false;
  SignalState& ps = self->process->signals;
  klib::SpinGuard guard(ps.lock);
  if (!detail::rules_locked(self->process)) return false;
  const SignalAction& a = ps.actions[info.signo];
  // A fault the thread blocks or ignores cannot be retried forever: Linux
  // resets it to the default action, which ends the process.
  if (a.handler == kSigDefault || a.handler == kSigIgnore ||
      (self->signals.blocked.load() & sig_bit(info.signo)))
    return false;
  SigNode* n = detail::node_alloc(false);
  if (!n) return false;
  n->info = info;
  detail::queue_push(self->signals.queue, n);
  self->signals.notify.store(true, std::memory_order_relaxed);
  return true;
}

void signal_reset_for_exec() {
  ProcessThread* self = current_thread();
  if (!self) return;
  SignalState& ps = self->process->signals;
  klib::SpinGuard guard(ps.lock);
  for (SignalAction& a : ps.actions)
    if (a.handler != kSigIgnore) a = SignalAction{};
  self->signals.alt = AltStack{};
}

klib::Result<void> signal_send_all(const SigInfo& info) {
  const int self = current_process()->pid;
  std::size_t cap = process_count() + 16;
  auto* pids = static_cast<int*>(mm::kmalloc(cap * sizeof(int)));
  if (!pids) return klib::Err(klib::Error::NOMEM);
  std::size_t n = 0;
  {
    klib::SpinGuard guard(detail::g_registry_lock);
    detail::all_processes().for_each([&](Process* p) {
      if (n < cap && p->pid > 1 && p->pid != self && p->state == ProcessState::Running)
        pids[n++] = p->pid;
    });
  }
  bool any = false;
  klib::Result<void> last = klib::Err(klib::Error::SRCH);
  for (std::size_t i = 0; i < n; ++i) {
    auto r = signal_send_process(pids[i], info);
    if (r.ok())
      any = true;
    else if (r.error() != klib::Error::PERM && r.error() != klib::Error::SRCH)
      last = r;
  }
  mm::kfree(pids);
  return any ? klib::ok() : last;
}

}  // namespace kernel
