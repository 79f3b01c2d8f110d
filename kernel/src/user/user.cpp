// User-mode processes: entry (address space + FP state attached to the
// thread), the trap upcalls hal makes for user mode (system calls, faults,
// the return path) and exit. A fault the address space cannot resolve kills
// the process with the matching signal; the kernel carries on.
#include <hal/upcalls.hpp>
#include <hal/user.hpp>
#include <kernel/process.hpp>
#include <kernel/signal.hpp>
#include <kernel/user.hpp>
#include <klib/printk.hpp>
#include <mm/address_space.hpp>
#include <mm/heap.hpp>

#include <atomic>
#include <new>

namespace kernel {
namespace {

// Linux signal numbers (the personality's and the wait status's).
constexpr int kSigIll = 4;
constexpr int kSigTrap = 5;
constexpr int kSigBus = 7;
constexpr int kSigKill = 9;
constexpr int kSigSegv = 11;
constexpr int kSigSys = 31;

std::atomic<unsigned> g_faults_logged{0};

// Linux si_code values of the fault signals: SEGV_MAPERR / SEGV_ACCERR,
// ILL_ILLOPC, BUS_ADRALN, TRAP_BRKPT (all 1 but ACCERR).
int fault_si_code(int signo, mm::FaultResult r) {
  if (signo == kSigSegv && r == mm::FaultResult::Denied) return 2;
  return 1;
}

const char* fault_name(UserFault k) {
  switch (k) {
    case UserFault::Read:
      return "read";
    case UserFault::Write:
      return "write";
    case UserFault::Exec:
      return "execute";
    case UserFault::Illegal:
      return "illegal instruction";
    case UserFault::Alignment:
      return "misaligned access";
    case UserFault::Breakpoint:
      return "breakpoint";
  }
  return "fault";
}

const char* result_name(mm::FaultResult r) {
  switch (r) {
    case mm::FaultResult::NoArea:
      return "no mapping";
    case mm::FaultResult::Denied:
      return "not permitted";
    case mm::FaultResult::NoMemory:
      return "out of memory";
    default:
      return "";
  }
}

// Drops the calling thread's user state; the last user thread of the
// process frees the address space (nothing can be running on it then).
void leave_user_space() {
  ProcessThread* self = current_thread();
  sched::Thread* t = sched::current();
  hal::context_attach_user(&t->ctx, nullptr);
  if (self && self->user_fp) {
    hal::context_detach_current(&t->ctx);
    mm::kfree(self->user_fp);
    self->user_fp = nullptr;
  }
  Process* p = current_process();
  if (p->address_space && p->user_threads.fetch_sub(1) == 1) {
    mm::AddressSpace::put(p->address_space);  // vfork children share their parent's
    p->address_space = nullptr;
  }
}

}  // namespace

void user_start(std::uintptr_t pc, std::uintptr_t sp, std::uintptr_t arg0) {
  ProcessThread* self = current_thread();
  Process* p = current_process();
  if (!self || !p->address_space) user_exit_signalled(kSigSegv);
  void* fp = mm::kzalloc(sizeof(hal::FpState));
  if (!fp) user_exit(127, true);
  self->user_fp = new (fp) hal::FpState();
  p->user_threads.fetch_add(1);
  sched::Thread* t = sched::current();
  hal::context_attach_current(&t->ctx, 0, self->user_fp);
  hal::context_attach_user(&t->ctx, p->address_space->table());
  hal::enter_user(pc, sp, arg0);
}

void user_clone_capture(const hal::TrapFrame& frame, UserCloneState* out) {
  out->frame = frame;
  out->tls = hal::user_tls(frame);
  hal::context_fp_read(&out->fp);
}

void user_start_clone(const UserCloneState& state) {
  ProcessThread* self = current_thread();
  Process* p = current_process();
  if (!self || !p->address_space) user_exit_signalled(kSigSegv);
  sched::Thread* t = sched::current();
  hal::context_attach_user(&t->ctx, p->address_space->table());
  // Before anything can fail: the creator may be waiting for it.
  if (state.before_enter) state.before_enter(state.before_enter_arg);
  void* fp = mm::kzalloc(sizeof(hal::FpState));
  if (!fp) user_exit(127, true);
  self->user_fp = new (fp) hal::FpState();
  hal::context_attach_current(&t->ctx, state.tls, self->user_fp);
  *self->user_fp = state.fp;
  hal::context_fp_write(self->user_fp);
  alignas(16) hal::TrapFrame frame = state.frame;
  hal::trap_frame_set_tls(frame, state.tls);
  hal::enter_user_frame(frame);
}

void user_exit(int status, bool group) {
  leave_user_space();
  thread_exit_current(status, group);
}

void user_exit_signalled(int signo) {
  Process* p = current_process();
  // exit_group from another thread sent the kill: its status stands.
  if (p->group_exiting) user_exit(p->exit_status, false);
  p->exit_signal = signo;
  p->exit_signalled = true;
  // A fatal signal ends every thread of the process, as on Linux.
  process_kill_other_threads(128 + signo, kSigKill);
  user_exit(128 + signo, true);
}

unsigned user_faults_logged() { return g_faults_logged.load(); }

// --- hal upcalls ---------------------------------------------------------------

void on_syscall(hal::TrapFrame* frame) {
  Process* p = current_process();
  if (!p->user_syscall) user_exit_signalled(kSigSys);
  p->user_syscall(frame);
}

void on_user_fault(hal::TrapFrame* frame, UserFault kind, std::uintptr_t address) {
  Process* p = current_process();
  mm::FaultResult result = mm::FaultResult::Resolved;  // "no reason" for non-memory faults
  int signo = kSigSegv;
  switch (kind) {
    case UserFault::Read:
    case UserFault::Write:
    case UserFault::Exec: {
      result = mm::FaultResult::NoArea;
      if (!p->address_space) break;
      const unsigned access = kind == UserFault::Read    ? mm::kProtRead
                              : kind == UserFault::Write ? mm::kProtWrite
                                                         : mm::kProtExec;
      result = p->address_space->fault(address, access);
      if (result == mm::FaultResult::Resolved) return;
      break;
    }
    case UserFault::Illegal:
      signo = kSigIll;
      break;
    case UserFault::Alignment:
      signo = kSigBus;
      break;
    case UserFault::Breakpoint:
      signo = kSigTrap;
      break;
  }
  // A handler the thread does not block takes it (si_code as Linux).
  SigInfo info;
  info.signo = signo;
  info.code = SigCode::Fault;
  info.addr = address;
  info.sender = p->pid;
  info.fault_code = fault_si_code(signo, result);
  if (signal_fault(info)) return;
  g_faults_logged.fetch_add(1);
  klib::printk("user: pid %d (%s): %s at 0x%lx, pc 0x%lx%s%s: signal %d\n", p->pid, p->name,
               fault_name(kind), static_cast<unsigned long>(address),
               static_cast<unsigned long>(hal::trap_frame_pc(*frame)),
               result_name(result)[0] ? ", " : "", result_name(result), signo);
  user_exit_signalled(signo);
}

void on_user_return(hal::TrapFrame* frame) {
  // The personality builds handler frames; without one, default actions
  // end the process here, on its kernel stack, before it runs more user code.
  const SignalRules* rules = current_process()->signals.rules;
  if (rules && rules->user_return) {
    rules->user_return(frame);
    return;
  }
  if (ProcessThread* self = current_thread(); self && signal_interrupting(self)) signal_deliver();
}

bool on_usercopy_fault(std::uintptr_t address, bool write) {
  Process* p = current_process();
  if (!p->address_space) return false;
  return p->address_space->fault(address, write ? mm::kProtWrite : mm::kProtRead) ==
         mm::FaultResult::Resolved;
}

}  // namespace kernel
