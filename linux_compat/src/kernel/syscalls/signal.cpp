// Signal actions, masks and waits: rt_sigaction, rt_sigprocmask,
// rt_sigpending, rt_sigsuspend, rt_sigtimedwait, sigaltstack and
// rt_sigreturn, all over the kernel's signal state (kernel/signal.hpp);
// Linux's flag and sigset encodings are translated here.
#include <hal/user.hpp>
#include <kernel/process.hpp>
#include <kernel/user.hpp>
#include <klib/printk.hpp>
#include <mm/usercopy.hpp>
#include <sched/sched.hpp>

#include "../linux_process.hpp"
#include "../signal_frame.hpp"
#include "syscalls.hpp"

namespace linux_compat {
namespace {

using klib::Error;

constexpr int kSigKill = 9, kSigStop = 19;
constexpr std::uint64_t kSigSetSize = 8;
constexpr std::uint64_t kBlock = 0, kUnblock = 1, kSetMask = 2;
constexpr std::int64_t kNsPerSec = 1000000000;

// struct sigaction as the asm-generic rt_sigaction passes it.
struct KernelSigaction {
  std::uint64_t handler;
  std::uint64_t flags;
  std::uint64_t restorer;
  std::uint64_t mask;
};

unsigned core_flags(std::uint64_t f) {
  unsigned c = 0;
  if (f & kSaSigInfo) c |= kernel::kSaSigInfo;
  if (f & kSaNoDefer) c |= kernel::kSaNoDefer;
  if (f & kSaResetHand) c |= kernel::kSaResetHand;
  if (f & kSaRestart) c |= kernel::kSaRestart;
  if (f & kSaOnStack) c |= kernel::kSaOnStack;
  return c;
}

KernelSigaction to_linux(const kernel::SignalAction& a) {
  return {a.handler, a.raw_flags, a.restorer, sigset_from_core(a.mask)};
}

kernel::SignalAction to_core(const KernelSigaction& k) {
  kernel::SignalAction a;
  a.handler = k.handler;
  a.mask = sigset_to_core(k.mask);
  a.flags = core_flags(k.flags);
  a.raw_flags = k.flags;
  a.restorer = k.restorer;
  return a;
}

}  // namespace

long sys_rt_sigaction(const Args& a) {
  const int sig = static_cast<int>(a.a[0]);
  if (a.a[3] != kSigSetSize) return err(Error::INVAL);
  // Linux takes 1..64; the kernel's sets hold 1..63 (SIGRTMAX - 1).
  if (!kernel::sig_valid(sig)) return err(Error::INVAL);
  KernelSigaction act;
  if (a.a[1]) {
    if (!mm::copy_from_user(&act, a.a[1], sizeof act).ok()) return err(Error::FAULT);
    if (sig == kSigKill || sig == kSigStop) return err(Error::INVAL);
  }
  kernel::SignalAction core_act = a.a[1] ? to_core(act) : kernel::SignalAction{};
  kernel::SignalAction old;
  // Linux writes the old action after installing the new one.
  if (auto r = kernel::signal_action(sig, a.a[1] ? &core_act : nullptr, &old); !r.ok())
    return fail(r);
  if (a.a[2]) {
    const KernelSigaction k = to_linux(old);
    if (!mm::copy_to_user(a.a[2], &k, sizeof k).ok()) return err(Error::FAULT);
  }
  return 0;
}

long sys_rt_sigprocmask(const Args& a) {
  const std::uint64_t how = a.a[0];
  if (a.a[3] != kSigSetSize) return err(Error::INVAL);
  std::uint64_t set = 0;
  if (a.a[1]) {
    if (!mm::get_user(&set, a.a[1]).ok()) return err(Error::FAULT);
    if (how != kBlock && how != kUnblock && how != kSetMask) return err(Error::INVAL);
  }
  const kernel::SigSet old = kernel::signal_blocked();
  if (a.a[1]) {
    const kernel::SigSet core = sigset_to_core(set);
    const kernel::MaskHow h = how == kBlock     ? kernel::MaskHow::Block
                              : how == kUnblock ? kernel::MaskHow::Unblock
                                                : kernel::MaskHow::Set;
    // Delivery happens on the way back to user mode, with frames.
    if (auto r = kernel::signal_mask(h, &core, nullptr, false); !r.ok()) return fail(r);
  }
  if (a.a[2] && !mm::put_user(a.a[2], sigset_from_core(old)).ok()) return err(Error::FAULT);
  return 0;
}

long sys_rt_sigpending(const Args& a) {
  if (a.a[1] > kSigSetSize) return err(Error::INVAL);
  const std::uint64_t pending = sigset_from_core(kernel::signal_pending());
  if (!mm::copy_to_user(a.a[0], &pending, a.a[1]).ok()) return err(Error::FAULT);
  return 0;
}

long sys_rt_sigsuspend(const Args& a) {
  if (a.a[1] != kSigSetSize) return err(Error::INVAL);
  std::uint64_t set = 0;
  if (!mm::get_user(&set, a.a[0]).ok()) return err(Error::FAULT);
  kernel::ProcessThread* self = kernel::current_thread();
  if (!self) return err(Error::INVAL);
  const kernel::SigSet wait_mask = sigset_to_core(set);
  kernel::SigSet old = 0;
  (void)kernel::signal_mask(kernel::MaskHow::Set, &wait_mask, &old, false);
  // The old mask comes back after the handler (its frame carries it) or, if
  // none runs, on the way out (signal_deliver.cpp).
  self->signals.saved_mask = old;
  self->signals.restore_mask = true;
  sched::WaitQueue wq;
  (void)kernel::signal_wait(
      wq, [] { return false; }, sched::kForever);
  return -kRestartNoHand;
}

long sys_rt_sigtimedwait(const Args& a) {
  if (a.a[3] != kSigSetSize) return err(Error::INVAL);
  std::uint64_t set = 0;
  if (!mm::get_user(&set, a.a[0]).ok()) return err(Error::FAULT);
  std::uint64_t timeout = sched::kForever;
  if (a.a[2]) {
    std::int64_t ts[2];
    if (!mm::copy_from_user(ts, a.a[2], sizeof ts).ok()) return err(Error::FAULT);
    if (ts[0] < 0 || ts[1] < 0 || ts[1] >= kNsPerSec) return err(Error::INVAL);
    timeout = static_cast<std::uint64_t>(ts[0]) * kNsPerSec + static_cast<std::uint64_t>(ts[1]);
  }
  // SIGKILL and SIGSTOP are never waited for.
  const kernel::SigSet want =
      sigset_to_core(set) & ~(kernel::sig_bit(kSigKill) | kernel::sig_bit(kSigStop));
  kernel::SigInfo info;
  bool got = kernel::signal_take(want, &info);
  if (!got && timeout != 0) {
    kernel::ProcessThread* self = kernel::current_thread();
    sched::WaitQueue wq;
    auto pending = [&] {
      return ((self->signals.queue.pending.load() | self->process->signals.queue.pending.load()) &
              want) != 0;
    };
    auto r = kernel::signal_wait(wq, pending, timeout, want);
    got = kernel::signal_take(want, &info);
    if (!got && !r.ok() && r.error() == Error::INTR) return err(Error::INTR);
  }
  if (!got) return err(Error::AGAIN);
  if (a.a[1]) {
    const LinuxSiginfo si = make_siginfo(info);
    if (!mm::copy_to_user(a.a[1], &si, sizeof si).ok()) return err(Error::FAULT);
  }
  return info.signo;
}

long sys_sigaltstack(const Args& a) {
  LinuxStack ss, old;
  if (a.a[0] && !mm::copy_from_user(&ss, a.a[0], sizeof ss).ok()) return err(Error::FAULT);
  const long r = set_altstack(a.a[0] ? &ss : nullptr, &old, hal::trap_frame_sp(*a.frame));
  if (r < 0) return r;
  if (a.a[1] && !mm::copy_to_user(a.a[1], &old, sizeof old).ok()) return err(Error::FAULT);
  return 0;
}

long sys_rt_sigreturn(const Args& a) {
  std::uint64_t mask = 0;
  LinuxStack uc_stack;
  if (!arch_pop_frame(*a.frame, &mask, &uc_stack)) {
    klib::printk("linux: pid %d (%s): rt_sigreturn: bad frame at sp 0x%lx: signal 11\n",
                 kernel::current_pid(), kernel::current_process()->name,
                 static_cast<unsigned long>(hal::trap_frame_sp(*a.frame)));
    kernel::user_exit_signalled(kSigSegv);
  }
  const kernel::SigSet core = sigset_to_core(mask);
  (void)kernel::signal_mask(kernel::MaskHow::Set, &core, nullptr, false);
  // As Linux's restore_altstack: a failed change (EPERM while on the
  // stack, ...) is ignored.
  (void)set_altstack(&uc_stack, nullptr, hal::trap_frame_sp(*a.frame));
  // The dispatcher stores this as the result: the restored x0 / a0.
  return static_cast<long>(hal::syscall_arg(*a.frame, 0));
}

}  // namespace linux_compat
