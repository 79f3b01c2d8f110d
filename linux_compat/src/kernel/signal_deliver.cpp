// Linux signal delivery on the way back to user mode: each deliverable
// signal with a handler gets an rt_sigframe on the user (or alternate)
// stack and the return goes to the handler; default actions end the process
// in the core. Also the siginfo encoding and sigaltstack's rules.
#include <hal/user.hpp>
#include <kernel/process.hpp>
#include <kernel/user.hpp>
#include <klib/printk.hpp>

#include "linux_process.hpp"
#include "signal_frame.hpp"

namespace linux_compat {
namespace {

// Frames stacked in one return (each handler runs before the ones below it,
// as Linux does when several signals are pending).
constexpr int kMaxFramesPerReturn = 8;

std::int32_t si_code(const kernel::SigInfo& info) {
  switch (info.code) {
    case kernel::SigCode::User:
      return 0;  // SI_USER
    case kernel::SigCode::Queue:
      return -1;  // SI_QUEUE
    case kernel::SigCode::Timer:
      return -2;  // SI_TIMER
    case kernel::SigCode::MesgQ:
      return -3;
    case kernel::SigCode::AsyncIo:
      return -4;
    case kernel::SigCode::Tkill:
      return -6;  // SI_TKILL
    case kernel::SigCode::Kernel:
      return 0x80;  // SI_KERNEL
    case kernel::SigCode::Fault:
      return info.fault_code;
  }
  return 0;
}

// What sigaltstack reports: SS_DISABLE / SS_ONSTACK by the caller's sp,
// plus SS_AUTODISARM as set.
LinuxStack altstack_report(const kernel::AltStack& alt, std::uintptr_t sp) {
  LinuxStack s{};
  s.sp = alt.base;
  s.size = alt.size;
  s.flags = alt.size == 0 ? kSsDisable : alt.contains(sp) ? kSsOnStack : 0;
  if (alt.autodisarm) s.flags |= static_cast<std::int32_t>(kSsAutoDisarm);
  return s;
}

// What a signal frame's uc_stack holds (Linux __save_altstack): the stored
// flags, not the position of sp, so sigreturn can set the stack up again.
LinuxStack altstack_saved(const kernel::AltStack& alt) {
  LinuxStack s{};
  s.sp = alt.base;
  s.size = alt.size;
  s.flags = alt.size == 0 ? kSsDisable : 0;
  if (alt.autodisarm) s.flags |= static_cast<std::int32_t>(kSsAutoDisarm);
  return s;
}

}  // namespace

LinuxSiginfo make_siginfo(const kernel::SigInfo& info) {
  LinuxSiginfo si{};
  si.signo = info.signo;
  si.code = si_code(info);
  if (info.code == kernel::SigCode::Fault) {
    si.fields[0] = info.addr;  // si_addr
  } else {
    // si_pid and si_uid share the first word, si_value the next.
    si.fields[0] = static_cast<std::uint32_t>(info.sender) |
                   (static_cast<std::uint64_t>(info.sender_uid) << 32);
    si.fields[1] = info.value;
  }
  return si;
}

long set_altstack(const LinuxStack* ss, LinuxStack* old, std::uintptr_t sp) {
  kernel::ProcessThread* self = kernel::current_thread();
  if (!self) return err(klib::Error::INVAL);
  kernel::AltStack& alt = self->signals.alt;
  if (old) *old = altstack_report(alt, sp);
  if (!ss) return 0;
  if (alt.contains(sp)) return err(klib::Error::PERM);
  const unsigned flags = static_cast<unsigned>(ss->flags);
  const unsigned mode = flags & ~kSsAutoDisarm;
  if (mode != 0 && mode != kSsOnStack && mode != kSsDisable) return err(klib::Error::INVAL);
  if (mode == kSsDisable) {
    alt = kernel::AltStack{};
    return 0;
  }
  if (ss->size < arch_min_sigstack()) return err(klib::Error::NOMEM);
  alt.base = ss->sp;
  alt.size = ss->size;
  alt.autodisarm = flags & kSsAutoDisarm;
  return 0;
}

void deliver_signals(hal::TrapFrame* frame) {
  kernel::ProcessThread* self = kernel::current_thread();
  LinuxProcess* lp = current_linux();
  if (!self || !lp) return;
  for (int i = 0; i < kMaxFramesPerReturn && kernel::signal_interrupting(self); ++i) {
    kernel::UserDelivery d;
    if (!kernel::signal_next_for_user(&d)) break;  // default actions end here
    kernel::SigSet restore = d.old_mask;
    if (self->signals.restore_mask) {  // sigsuspend's mask comes back after the handler
      restore = self->signals.saved_mask;
      self->signals.restore_mask = false;
    }
    const std::uintptr_t user_sp = hal::trap_frame_sp(*frame);
    FrameParams p;
    p.sp = user_sp;
    const kernel::AltStack& alt = self->signals.alt;
    if ((d.action.flags & kernel::kSaOnStack) && alt.size && !alt.contains(user_sp))
      p.sp = alt.base + alt.size;
    p.uc_stack = altstack_saved(alt);
    p.mask = sigset_from_core(restore);
#if defined(__aarch64__)
    p.restorer = (d.action.raw_flags & kSaRestorer) ? d.action.restorer : lp->sigreturn_code;
#else
    p.restorer = lp->sigreturn_code;  // riscv64 Linux returns through the vDSO's code
#endif
    if (!p.restorer || !arch_push_frame(*frame, d, make_siginfo(d.info), p)) {
      klib::printk(
          "linux: pid %d (%s): cannot write the frame for signal %d at sp 0x%lx: "
          "signal 11\n",
          kernel::current_pid(), kernel::current_process()->name, d.info.signo,
          static_cast<unsigned long>(p.sp));
      kernel::user_exit_signalled(kSigSegv);
    }
    // SS_AUTODISARM: the handler may itself sigaltstack or longjmp away;
    // its sigreturn sets the stack up again from uc_stack.
    if (self->signals.alt.autodisarm) self->signals.alt = kernel::AltStack{};
  }
  if (self->signals.restore_mask) {  // the wait ended without a handler
    self->signals.restore_mask = false;
    const kernel::SigSet saved = self->signals.saved_mask;
    (void)kernel::signal_mask(kernel::MaskHow::Set, &saved, nullptr, false);
  }
}

}  // namespace linux_compat
