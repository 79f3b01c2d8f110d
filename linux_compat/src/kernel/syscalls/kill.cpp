// Sending signals: kill (a process, the caller's group, every process, a
// group), tgkill and tkill (one thread), over the kernel's signal core.
#include <kernel/process.hpp>
#include <kernel/signal.hpp>

#include <climits>

#include "../linux_process.hpp"
#include "syscalls.hpp"

namespace linux_compat {
namespace {

using klib::Error;

kernel::SigInfo sender_info(int sig, kernel::SigCode code) {
  kernel::SigInfo info;
  info.signo = sig;
  info.code = code;
  info.sender = kernel::current_pid();
  info.sender_uid = kernel::current_process()->cred.uid;
  return info;
}

bool valid_or_zero(int sig) { return sig == 0 || kernel::sig_valid(sig); }

long send_thread(int tgid, int tid, int sig) {
  if (tid <= 0 || !valid_or_zero(sig)) return err(Error::INVAL);
  kernel::ProcessThread* t = kernel::thread_get(tid);
  if (!t) return err(Error::SRCH);
  long r = 0;
  if (tgid > 0 && t->process->pid != tgid) {
    r = err(Error::SRCH);
  } else {
    auto s = kernel::signal_send_to(t, sender_info(sig, kernel::SigCode::Tkill));
    if (!s.ok()) r = fail(s);
  }
  kernel::thread_put(t);
  return r;
}

}  // namespace

long sys_kill(const Args& a) {
  const int pid = static_cast<int>(a.a[0]);
  const int sig = static_cast<int>(a.a[1]);
  if (!valid_or_zero(sig)) return err(Error::INVAL);
  const kernel::SigInfo info = sender_info(sig, kernel::SigCode::User);
  if (pid > 0) return ret(kernel::signal_send_process(pid, info));
  if (pid == INT_MIN) return err(Error::SRCH);
  if (pid == -1) return ret(kernel::signal_send_all(info));
  const int pgid = pid == 0 ? kernel::current_process()->pgid : -pid;
  if (pgid <= 0) return err(Error::SRCH);
  return ret(kernel::signal_send_group(pgid, info));
}

long sys_tkill(const Args& a) {
  return send_thread(0, static_cast<int>(a.a[0]), static_cast<int>(a.a[1]));
}

long sys_tgkill(const Args& a) {
  const int tgid = static_cast<int>(a.a[0]);
  if (tgid <= 0) return err(Error::INVAL);
  return send_thread(tgid, static_cast<int>(a.a[1]), static_cast<int>(a.a[2]));
}

}  // namespace linux_compat
