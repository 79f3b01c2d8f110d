// Process groups and sessions: setpgid/setsid rules (POSIX), and sending a
// signal to a whole group (what a terminal's ^C does).
#include <kernel/process.hpp>
#include <kernel/signal.hpp>

#include "internal.hpp"

namespace kernel {

using klib::Err;
using klib::Error;

namespace {

Process* find_locked(Pid pid) {
  Process* found = nullptr;
  detail::all_processes().for_each([&](Process* p) {
    if (!found && p->pid == pid && p->state == ProcessState::Running) found = p;
  });
  return found;
}

}  // namespace

klib::Result<void> process_set_group(Pid pid, Pid pgid) {
  if (pgid < 0 || pid < 0) return Err(Error::INVAL);
  Process* self = current_process();
  klib::SpinGuard guard(detail::g_registry_lock);
  Process* target = pid == 0 ? self : find_locked(pid);
  if (!target) return Err(Error::SRCH);
  if (target != self && target->parent != self) return Err(Error::SRCH);
  if (target->sid != self->sid) return Err(Error::PERM);
  if (target->pid == target->sid && target->sid != 0) return Err(Error::PERM);
  const Pid want = pgid == 0 ? target->pid : pgid;
  if (want != target->pid) {
    // Joining an existing group: it must live in the same session.
    bool exists = false;
    detail::all_processes().for_each([&](Process* p) {
      if (p->pgid == want && p->sid == target->sid && p->state == ProcessState::Running)
        exists = true;
    });
    if (!exists) return Err(Error::PERM);
  }
  target->pgid = want;
  return klib::ok();
}

namespace {

template <typename Field>
klib::Result<Pid> field_of(Pid pid, Field field) {
  if (pid < 0) return Err(Error::SRCH);
  Process* self = current_process();
  klib::SpinGuard guard(detail::g_registry_lock);
  Process* p = pid == 0 ? self : find_locked(pid);
  if (!p) return Err(Error::SRCH);
  return field(*p);
}

}  // namespace

klib::Result<Pid> process_group_of(Pid pid) {
  return field_of(pid, [](const Process& p) { return p.pgid; });
}

klib::Result<Pid> process_session_of(Pid pid) {
  return field_of(pid, [](const Process& p) { return p.sid; });
}

klib::Result<Pid> process_new_session() {
  Process* self = current_process();
  if (self->pid == kKernelPid) return Err(Error::PERM);
  klib::SpinGuard guard(detail::g_registry_lock);
  bool leads_group = self->pgid == self->pid;
  detail::all_processes().for_each([&](Process* p) {
    if (p != self && p->pgid == self->pid && p->state == ProcessState::Running) leads_group = true;
  });
  if (leads_group) return Err(Error::PERM);
  self->sid = self->pid;
  self->pgid = self->pid;
  return self->sid;
}

namespace {

constexpr int kBatch = 32;

// The (up to kBatch) smallest pids above `after` in group `pgid`, ascending;
// sets *more when some were left for another pass.
int collect_group(int pgid, Pid after, Pid* pids, bool* more) {
  int n = 0;
  *more = false;
  klib::SpinGuard guard(detail::g_registry_lock);
  detail::all_processes().for_each([&](Process* p) {
    if (p->pgid != pgid || p->state != ProcessState::Running || p->pid <= after) return;
    if (n == kBatch) {
      *more = true;
      if (p->pid > pids[n - 1]) return;
      pids[n - 1] = p->pid;  // the largest kept one waits for a later pass
    } else {
      pids[n++] = p->pid;
    }
    for (int i = n - 1; i > 0 && pids[i] < pids[i - 1]; --i) {
      const Pid t = pids[i];
      pids[i] = pids[i - 1];
      pids[i - 1] = t;
    }
  });
  return n;
}

}  // namespace

klib::Result<void> signal_send_group(int pgid, const SigInfo& info) {
  if (pgid <= 0) return Err(Error::SRCH);
  // Collected first, in batches: signal_send_process takes the registry lock.
  Pid pids[kBatch];
  Pid after = 0;
  bool more = true;
  bool any = false;
  while (more) {
    const int n = collect_group(pgid, after, pids, &more);
    if (n == 0) break;
    any = true;
    for (int i = 0; i < n; ++i) (void)signal_send_process(pids[i], info);
    after = pids[n - 1];
  }
  return any ? klib::ok() : Err(Error::SRCH);
}

}  // namespace kernel
