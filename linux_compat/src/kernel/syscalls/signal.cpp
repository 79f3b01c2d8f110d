// rt_sigaction and rt_sigprocmask: validated like Linux and stored per
// process (linux_process.hpp), so C runtimes that install handlers or block
// signals at startup proceed. They are not acted on yet: a signal sent to a
// Linux process takes its default action (kernel/signal.hpp with the Linux
// rules in exec.cpp).
#include <mm/usercopy.hpp>

#include "../linux_process.hpp"
#include "syscalls.hpp"

namespace linux_compat {
namespace {

using klib::Error;

constexpr int kSigKill = 9, kSigStop = 19;
constexpr std::uint64_t kSigSetSize = 8;
constexpr std::uint64_t kBlock = 0, kUnblock = 1, kSetMask = 2;
constexpr std::uint64_t kUnblockable =
    (std::uint64_t{1} << (kSigKill - 1)) | (std::uint64_t{1} << (kSigStop - 1));

}  // namespace

long sys_rt_sigaction(const Args& a) {
  const int sig = static_cast<int>(a.a[0]);
  if (a.a[3] != kSigSetSize) return err(Error::INVAL);
  if (sig < 1 || sig > kNumSignals) return err(Error::INVAL);
  LinuxProcess* lp = current_linux();
  if (!lp) return err(Error::INVAL);
  KernelSigaction act;
  if (a.a[1]) {
    if (!mm::copy_from_user(&act, a.a[1], sizeof act).ok()) return err(Error::FAULT);
    if (sig == kSigKill || sig == kSigStop) return err(Error::INVAL);
  }
  if (a.a[2] && !mm::copy_to_user(a.a[2], &lp->actions[sig], sizeof act).ok())
    return err(Error::FAULT);
  if (a.a[1]) lp->actions[sig] = act;
  return 0;
}

long sys_rt_sigprocmask(const Args& a) {
  const std::uint64_t how = a.a[0];
  if (a.a[3] != kSigSetSize) return err(Error::INVAL);
  LinuxProcess* lp = current_linux();
  if (!lp) return err(Error::INVAL);
  std::uint64_t set = 0;
  if (a.a[1]) {
    if (how != kBlock && how != kUnblock && how != kSetMask) return err(Error::INVAL);
    if (!mm::get_user(&set, a.a[1]).ok()) return err(Error::FAULT);
  }
  const std::uint64_t old = lp->blocked;
  if (a.a[2] && !mm::put_user(a.a[2], old).ok()) return err(Error::FAULT);
  if (a.a[1]) {
    std::uint64_t next = how == kBlock ? old | set : how == kUnblock ? old & ~set : set;
    lp->blocked = next & ~kUnblockable;
  }
  return 0;
}

}  // namespace linux_compat
