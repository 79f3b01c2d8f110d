// Vela signals: the POSIX/NuttX C API over the kernel signal core (sets,
// sigaction, masks, kill/pthread_kill/raise/sigqueue, sigsuspend, pause,
// sigwait*), and the personality's rules: default actions, handler calling
// convention, termination with the signal status.
#include "signal_internal.hpp"

namespace vela {
namespace {

using kernel::sig_bit;
using kernel::SigSet;

constexpr int kSigKill = 9, kSigStop = 17, kSigTstp = 18, kSigCont = 19, kSigChld = 20;
constexpr int kSigTtin = 21, kSigTtou = 22, kSigUrg = 16, kSigWinch = 28;
constexpr int kSigRtMin = 32, kSigRtMax = 63;

SigSet range(int lo, int hi) {
  SigSet s = 0;
  for (int i = lo; i <= hi; ++i) s |= sig_bit(i);
  return s;
}

void invoke(const kernel::SignalAction& act, const kernel::SigInfo& info) {
  if (act.flags & kernel::kSaSigInfo) {
    vsig::siginfo_t si{};
    si.si_signo = info.signo;
    si.si_code = si_code_of(info.code);
    si.si_value.sival_ptr = reinterpret_cast<void*>(info.value);
    si.si_pid = info.sender;
    reinterpret_cast<void (*)(int, vsig::siginfo_t*, void*)>(act.handler)(info.signo, &si, nullptr);
  } else {
    reinterpret_cast<void (*)(int)>(act.handler)(info.signo);
  }
}

[[noreturn]] void terminate(int signo) {
  kernel::Process* p = kernel::current_process();
  // waitpid reports WIFSIGNALED/WTERMSIG; exit_status keeps the shell's
  // 128 + signal for listings.
  p->exit_signal = signo;
  p->exit_signalled = true;
  exit_task(128 + signo);
}

kernel::SignalRules make_rules() {
  kernel::SignalRules r;
  r.uncatchable = sig_bit(kSigKill) | sig_bit(kSigStop);
  // Job control is not implemented: the stop signals are ignored by default.
  r.default_ignore = sig_bit(kSigChld) | sig_bit(kSigUrg) | sig_bit(kSigWinch) | sig_bit(kSigCont) |
                     sig_bit(kSigStop) | sig_bit(kSigTstp) | sig_bit(kSigTtin) | sig_bit(kSigTtou);
  r.queued = range(kSigRtMin, kSigRtMax);
  r.invoke = invoke;
  r.terminate = terminate;
  return r;
}

const kernel::SignalRules g_rules = make_rules();

bool valid(int signo) { return signo >= 1 && signo <= kernel::kSigMax; }

unsigned to_core_flags(int f) {
  unsigned r = 0;
  if (f & SA_SIGINFO) r |= kernel::kSaSigInfo;
  if (f & SA_NODEFER) r |= kernel::kSaNoDefer;
  if (f & SA_RESETHAND) r |= kernel::kSaResetHand;
  if (f & SA_RESTART) r |= kernel::kSaRestart;
  return r;
}

int from_core_flags(unsigned f) {
  int r = 0;
  if (f & kernel::kSaSigInfo) r |= SA_SIGINFO;
  if (f & kernel::kSaNoDefer) r |= SA_NODEFER;
  if (f & kernel::kSaResetHand) r |= SA_RESETHAND;
  if (f & kernel::kSaRestart) r |= SA_RESTART;
  return r;
}

kernel::SigInfo user_info(int signo, kernel::SigCode code, std::uintptr_t value) {
  kernel::SigInfo i;
  i.signo = signo;
  i.code = code;
  i.sender = kernel::current_pid();
  i.value = value;
  return i;
}

klib::Result<void> mask_op(int how, const vsig::sigset_t* set, vsig::sigset_t* old) {
  kernel::MaskHow h;
  switch (how) {
    case SIG_BLOCK:
      h = kernel::MaskHow::Block;
      break;
    case SIG_UNBLOCK:
      h = kernel::MaskHow::Unblock;
      break;
    case SIG_SETMASK:
      h = kernel::MaskHow::Set;
      break;
    default:
      if (!set)
        h = kernel::MaskHow::Block;  // how is ignored without a set
      else
        return klib::Err(Error::INVAL);
  }
  signal_attach_current();
  SigSet s = set ? (*set & kernel::kAllSignals) : 0;
  SigSet o = 0;
  TRY(kernel::signal_mask(h, set ? &s : nullptr, &o));
  if (old) *old = o;
  return klib::ok();
}

// sigwaitinfo/sigtimedwait: waits for a signal in `set`; other unblocked
// signals interrupt it (EINTR after their handlers ran).
int wait_signal(const vsig::sigset_t* set, vsig::siginfo_t* info, std::uint64_t timeout_ns) {
  if (!set) return fail(Error::INVAL);
  signal_attach_current();
  const SigSet want = *set & kernel::kAllSignals;
  kernel::SigInfo got;
  sched::WaitQueue wq;
  for (;;) {
    if (kernel::signal_take(want, &got)) break;
    auto r = wait_intr(
        wq,
        [&] {
          kernel::ProcessThread* self = kernel::current_thread();
          return !self || ((self->signals.queue.pending.load() |
                            self->process->signals.queue.pending.load()) &
                           want) != 0;
        },
        timeout_ns, want);
    if (!r) {
      if (r.error() == Error::CANCELED) cancellation_point();
      if (r.error() == Error::INTR) {
        if (kernel::signal_take(want, &got)) break;
        return deliver_and_eintr();
      }
      return fail(Error::AGAIN);  // POSIX: sigtimedwait times out with EAGAIN
    }
  }
  if (info) {
    *info = vsig::siginfo_t{};
    info->si_signo = got.signo;
    info->si_code = si_code_of(got.code);
    info->si_value.sival_ptr = reinterpret_cast<void*>(got.value);
    info->si_pid = got.sender;
  }
  return got.signo;
}

}  // namespace

const kernel::SignalRules& signal_rules() { return g_rules; }

void signal_attach_current() { kernel::signal_set_default_rules(&g_rules); }

int si_code_of(kernel::SigCode code) {
  switch (code) {
    case kernel::SigCode::Queue:
      return SI_QUEUE;
    case kernel::SigCode::Timer:
      return SI_TIMER;
    case kernel::SigCode::MesgQ:
      return SI_MESGQ;
    case kernel::SigCode::AsyncIo:
      return SI_ASYNCIO;
    default:
      return SI_USER;
  }
}

int deliver_and_eintr() {
  kernel::signal_deliver();
  return fail(Error::INTR);
}

}  // namespace vela

using namespace vela;

VELA_API(int, sigemptyset, vsig::sigset_t* set) {
  if (!set) return fail(Error::INVAL);
  *set = 0;
  return 0;
}

VELA_API(int, sigfillset, vsig::sigset_t* set) {
  if (!set) return fail(Error::INVAL);
  *set = kernel::kAllSignals;
  return 0;
}

VELA_API(int, sigaddset, vsig::sigset_t* set, int signo) {
  if (!set || !valid(signo)) return fail(Error::INVAL);
  *set |= sig_bit(signo);
  return 0;
}

VELA_API(int, sigdelset, vsig::sigset_t* set, int signo) {
  if (!set || !valid(signo)) return fail(Error::INVAL);
  *set &= ~sig_bit(signo);
  return 0;
}

VELA_API(int, sigismember, const vsig::sigset_t* set, int signo) {
  if (!set || !valid(signo)) return fail(Error::INVAL);
  return (*set & sig_bit(signo)) ? 1 : 0;
}

VELA_API(int, sigaction, int signo, const struct vsig::sigaction* act,
         struct vsig::sigaction* oact) {
  if (!valid(signo)) return fail(Error::INVAL);
  signal_attach_current();
  kernel::SignalAction k, old;
  if (act) {
    k.handler = reinterpret_cast<std::uintptr_t>(act->_u._handler);
    k.mask = act->sa_mask & kernel::kAllSignals;
    k.flags = to_core_flags(act->sa_flags);
  }
  auto r = kernel::signal_action(signo, act ? &k : nullptr, &old);
  if (!r) return fail(r.error());
  if (oact) {
    oact->_u._handler = reinterpret_cast<vsig::_sig_func_ptr>(old.handler);
    oact->sa_mask = old.mask;
    oact->sa_flags = from_core_flags(old.flags);
  }
  return 0;
}

VELA_API(vsig::_sig_func_ptr, signal, int signo, vsig::_sig_func_ptr handler) {
  struct vsig::sigaction act {
  }, old{};
  act._u._handler = handler;
  if (vela_sigaction(signo, &act, &old) != 0) return reinterpret_cast<vsig::_sig_func_ptr>(-1);
  return old._u._handler;
}

VELA_API(int, sigprocmask, int how, const vsig::sigset_t* set, vsig::sigset_t* oset) {
  auto r = mask_op(how, set, oset);
  return r ? 0 : fail(r.error());
}

VELA_API(int, pthread_sigmask, int how, const vsig::sigset_t* set, vsig::sigset_t* oset) {
  auto r = mask_op(how, set, oset);
  return r ? 0 : err(r.error());
}

VELA_API(int, sigpending, vsig::sigset_t* set) {
  if (!set) return fail(Error::INVAL);
  *set = kernel::signal_pending();
  return 0;
}

VELA_API(int, sigsuspend, const vsig::sigset_t* mask) {
  if (!mask) return fail(Error::INVAL);
  signal_attach_current();
  SigSet tmp = *mask & kernel::kAllSignals, old = 0;
  // Swap the mask without delivering in between (no asynchronous delivery
  // either): what the new mask lets through interrupts the wait at once.
  {
    kernel::SignalDeferGuard defer;
    (void)kernel::signal_mask(kernel::MaskHow::Set, &tmp, &old, false);
    sched::WaitQueue wq;
    for (;;) {
      auto r = wait_intr(
          wq, [] { return false; }, sched::kForever);
      if (!r && r.error() == Error::CANCELED) {
        (void)kernel::signal_mask(kernel::MaskHow::Set, &old, nullptr, false);
        cancellation_point();
      }
      if (!r && r.error() == Error::INTR) break;
    }
  }
  kernel::signal_deliver();  // with the temporary mask
  (void)kernel::signal_mask(kernel::MaskHow::Set, &old, nullptr, false);
  return fail(Error::INTR);
}

VELA_API(int, pause) {
  vsig::sigset_t cur = kernel::signal_blocked();
  return vela_sigsuspend(&cur);
}

VELA_API(int, kill, vsig::pid_t pid, int signo) {
  if (signo < 0 || signo > kernel::kSigMax) return fail(Error::INVAL);
  signal_attach_current();
  // 0: the caller's process group (its own task while it has none); -1
  // ("every process") stays the caller's task, since tasks share one flat
  // build; < -1: the group -pid.
  const int group = pid < -1 ? -pid : pid == 0 ? *kernel::process_group_of(0) : 0;
  const kernel::SigInfo info = user_info(signo, kernel::SigCode::User, 0);
  auto r = group > 0 ? kernel::signal_send_group(group, info)
                     : kernel::signal_send_process(pid > 0 ? pid : kernel::current_pid(), info);
  if (!r) return fail(r.error() == Error::PERM ? Error::SRCH : r.error());
  kernel::signal_deliver();  // to the caller itself before returning
  return 0;
}

VELA_API(int, sigqueue, vsig::pid_t pid, int signo, const vsig::sigval value) {
  if (signo < 0 || signo > kernel::kSigMax) return fail(Error::INVAL);
  signal_attach_current();
  if (pid <= 0) return fail(Error::SRCH);
  auto r = kernel::signal_send_process(
      pid,
      user_info(signo, kernel::SigCode::Queue, reinterpret_cast<std::uintptr_t>(value.sival_ptr)));
  if (!r) return fail(r.error() == Error::PERM ? Error::SRCH : r.error());
  kernel::signal_deliver();
  return 0;
}

VELA_API(int, pthread_kill, vsig::pid_t thread, int signo) {
  if (signo < 0 || signo > kernel::kSigMax) return err(Error::INVAL);
  signal_attach_current();
  auto r = kernel::signal_send_thread(thread, user_info(signo, kernel::SigCode::User, 0));
  if (!r) return err(r.error() == Error::PERM ? Error::SRCH : r.error());
  kernel::signal_deliver();
  return 0;
}

VELA_API(int, raise, int signo) {
  if (!valid(signo)) return fail(Error::INVAL);
  kernel::ProcessThread* self = kernel::current_thread();
  if (!self) return fail(Error::SRCH);
  signal_attach_current();
  auto r = kernel::signal_send_to(self, user_info(signo, kernel::SigCode::User, 0));
  if (!r) return fail(r.error());
  kernel::signal_deliver();
  return 0;
}

VELA_API(int, sigwaitinfo, const vsig::sigset_t* set, vsig::siginfo_t* info) {
  return wait_signal(set, info, sched::kForever);
}

VELA_API(int, sigtimedwait, const vsig::sigset_t* set, vsig::siginfo_t* info,
         const vsig::timespec* timeout) {
  if (timeout && !valid_timespec(timeout)) return fail(Error::INVAL);
  return wait_signal(set, info, timeout ? ts_to_ns(*timeout) : sched::kForever);
}

VELA_API(int, sigwait, const vsig::sigset_t* set, int* signo) {
  if (!set || !signo) return err(Error::INVAL);
  for (;;) {
    int s = vela_sigwaitinfo(set, nullptr);
    if (s > 0) {
      *signo = s;
      return 0;
    }
    // sigwait is not interrupted by handlers (POSIX): wait again.
  }
}

VELA_API(int, sigaltstack, const vsig::stack_t* ss, vsig::stack_t* oss) {
  // Handlers always run on the thread's own stack: report none configured.
  if (oss) *oss = vsig::stack_t{nullptr, SS_DISABLE, 0};
  if (ss && !(ss->ss_flags & SS_DISABLE) && ss->ss_size < MINSIGSTKSZ) return fail(Error::NOMEM);
  return 0;
}
