// The signal core shared by both personalities: per-process action tables,
// per-thread blocked masks and pending sets with queued siginfo, generation
// (process- or thread-directed), interruptible waits and delivery, either
// synchronously when an API call ends or asynchronously on the way out of an
// interrupt (hal::trap_frame_divert). Signal numbers 1..63 are the
// personality's own; the core only learns their meaning from SignalRules.
#pragma once

#include <klib/result.hpp>
#include <klib/spinlock.hpp>
#include <sched/wait.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace hal {
struct TrapFrame;
}

namespace kernel {

struct Process;
struct ProcessThread;

using SigSet = std::uint64_t;  // bit n = signal n
inline constexpr int kNumSignals = 64;
inline constexpr int kSigMax = kNumSignals - 1;
constexpr SigSet sig_bit(int s) { return SigSet{1} << s; }
constexpr bool sig_valid(int s) { return s >= 1 && s <= kSigMax; }
inline constexpr SigSet kAllSignals = ~SigSet{1};  // every valid number

// Why a signal was sent (the personality maps these to its si_code values).
// Tkill: sent to one thread by tkill/tgkill; Fault: the thread's own fault
// (fault_code and addr say which and where).
enum class SigCode : std::uint8_t { User, Queue, Timer, MesgQ, AsyncIo, Kernel, Tkill, Fault };

struct SigInfo {
  int signo = 0;
  SigCode code = SigCode::User;
  int sender = 0;  // pid
  std::uint32_t sender_uid = 0;
  std::uintptr_t value = 0;  // sigval (int or pointer)
  int fault_code = 0;        // Fault: the personality's si_code (SEGV_MAPERR, ...)
  std::uintptr_t addr = 0;   // Fault: the faulting address
};

// Handler values besides a function address.
inline constexpr std::uintptr_t kSigDefault = 0;
inline constexpr std::uintptr_t kSigIgnore = 1;
// Action flags (the core's; personalities translate theirs).
inline constexpr unsigned kSaSigInfo = 1u << 0;
inline constexpr unsigned kSaNoDefer = 1u << 1;
inline constexpr unsigned kSaResetHand = 1u << 2;
inline constexpr unsigned kSaRestart = 1u << 3;
inline constexpr unsigned kSaOnStack = 1u << 4;  // run on the alternate stack

struct SignalAction {
  std::uintptr_t handler = kSigDefault;
  SigSet mask = 0;  // blocked in addition while the handler runs
  unsigned flags = 0;
  // Kept verbatim for the personality (reported back by its sigaction):
  // its own flag word and the return trampoline a user handler returns to.
  std::uint64_t raw_flags = 0;
  std::uintptr_t restorer = 0;
};

// An alternate signal stack (sigaltstack), per thread; size 0: none.
struct AltStack {
  std::uintptr_t base = 0;
  std::size_t size = 0;
  bool autodisarm = false;  // dropped while a handler runs (SS_AUTODISARM)
  bool contains(std::uintptr_t sp) const { return size && sp > base && sp - base <= size; }
};

// What a personality decides about its numbers and calling conventions.
struct SignalRules {
  SigSet uncatchable = 0;     // SIGKILL, SIGSTOP: default action only, never blocked
  SigSet default_ignore = 0;  // default action "ignore" (SIGCHLD, SIGURG, ...)
  SigSet queued = 0;          // realtime: every instance is queued with its value
  // Calls a catching handler on the current thread.
  void (*invoke)(const SignalAction& action, const SigInfo& info) = nullptr;
  // Default action "terminate", run by a thread of the target process.
  [[noreturn]] void (*terminate)(int signo) = nullptr;
  // User-mode personalities: run on every return to user mode
  // (kernel::on_user_return) to build handler frames there. When set, the
  // core never runs a handler itself (no invoke, no interrupt-return
  // divert) for the process. Part of the rules so that every process
  // sharing them (forked children too) gets it.
  void (*user_return)(hal::TrapFrame* frame) = nullptr;
};

struct SigNode;  // a queued instance (from a fixed pool)

// A FIFO of queued instances (signal.cpp).
struct SigQueue {
  SigNode* head = nullptr;
  SigNode* tail = nullptr;
  std::atomic<SigSet> pending{0};  // numbers with an instance queued (read lock-free)
  SigQueue() = default;
  SigQueue(const SigQueue&) = delete;
  SigQueue& operator=(const SigQueue&) = delete;
  ~SigQueue();
};

// Per thread (ProcessThread::signals). Guarded by the process's
// SignalState::lock, except the atomics read by lock-free fast paths.
struct ThreadSignals {
  std::atomic<SigSet> blocked{0};
  SigQueue queue;                   // thread-directed instances
  std::atomic<SigSet> wait_set{0};  // sigwaitinfo: interrupts although blocked
  std::atomic<bool> notify{false};  // deliverable: check at the next interrupt return
  // The queue of an interruptible wait in progress (woken by senders).
  std::atomic<sched::WaitQueue*> waiting_on{nullptr};
  int depth = 0;       // handlers running on this thread (nesting)
  int no_deliver = 0;  // >0: asynchronous delivery deferred (SignalDeferGuard)
  AltStack alt;        // user-mode handlers' alternate stack
  // sigsuspend: the mask to put back once the wait's signal is handled
  // (a user handler's frame carries it; otherwise it is restored on return).
  SigSet saved_mask = 0;
  bool restore_mask = false;
};

// Per process (Process::signals).
struct SignalState {
  klib::SpinLockIrq lock;
  SignalAction actions[kNumSignals];
  SigQueue queue;                      // process-directed instances
  const SignalRules* rules = nullptr;  // nullptr: the process takes no signals
};

// --- setup -------------------------------------------------------------------
// A personality opts a process into signals (actions reset to default).
void signal_init_process(Process* p, const SignalRules* rules);
// Rules for every process (but the kernel's) that has none yet when it
// first sends, receives or configures a signal. Set once by a personality.
void signal_set_default_rules(const SignalRules* rules);

// --- actions and masks (the calling thread) ----------------------------------
// INVAL for a bad number or a catch/ignore of an uncatchable signal; `old`
// may be null, `act` may be null (query). Setting "ignore" discards pending
// instances.
klib::Result<void> signal_action(int signo, const SignalAction* act, SignalAction* old);
enum class MaskHow : std::uint8_t { Block, Unblock, Set };
// Changes the caller's mask (uncatchable signals are never blocked) and,
// with `deliver`, delivers what became deliverable before returning.
klib::Result<void> signal_mask(MaskHow how, const SigSet* set, SigSet* old, bool deliver = true);
SigSet signal_blocked();
// Pending for the caller (thread and process) and blocked (sigpending).
SigSet signal_pending();

// --- generation ----------------------------------------------------------------
// Process-directed (kill, sigqueue, timers). signo 0 only checks the target.
// SRCH: no such live process; AGAIN: a queued signal found no free slot;
// PERM: the process takes no signals (the kernel).
klib::Result<void> signal_send_process(int pid, const SigInfo& info);
// To every live process of group `pgid` (> 0); SRCH when there is none.
// Safe from interrupt context (a terminal's ^C).
klib::Result<void> signal_send_group(int pgid, const SigInfo& info);
// Thread-directed (pthread_kill, raise). SRCH: no such live thread.
klib::Result<void> signal_send_thread(int tid, const SigInfo& info);
// The same with a referenced record (timers keep one).
klib::Result<void> signal_send_to(ProcessThread* t, const SigInfo& info);

// --- delivery --------------------------------------------------------------------
// Runs the handlers (or default actions) of every signal deliverable to the
// caller now. Returns how many handlers ran. Callable wherever the caller
// holds no lock: API calls end with it.
int signal_deliver();
// True when a signal that would interrupt a wait is pending for `t`
// (unblocked, or in its wait set).
bool signal_interrupting(const ProcessThread* t);

// --- user-mode handlers (a personality builds the handler's frame) ------------
struct UserDelivery {
  SigInfo info;
  SignalAction action;  // a catching handler
  SigSet old_mask;      // the mask to restore when the handler returns
};
// Takes the next signal deliverable to the calling thread: ignored ones are
// dropped, a default "terminate" ends the process (rules->terminate); for a
// handler the thread's mask gains the action's mask (and the signal unless
// SA_NODEFER), SA_RESETHAND resets the action, and the caller gets what it
// needs to run the handler. False when nothing is deliverable.
bool signal_next_for_user(UserDelivery* out);
// The action of the signal signal_next_for_user would take now (false if
// none): lets a system call decide whether to restart (SA_RESTART).
bool signal_peek_action(SignalAction* out);
// A fault of the calling thread (SIGSEGV, SIGBUS, ...): queued to itself when
// a handler can take it; false when the signal is blocked, ignored or at its
// default action (the caller then ends the process, as Linux does).
bool signal_fault(const SigInfo& info);
// execve: caught signals go back to their default action, the alternate
// stack is dropped; ignored signals, the mask and pending signals stay.
void signal_reset_for_exec();
// Every live process other than the kernel's and the caller's, except
// pid 1 (kill(-1, sig)); SRCH when none took it.
klib::Result<void> signal_send_all(const SigInfo& info);

// Takes one pending instance in `set` for the caller (thread queue first,
// then the process's), false if none. For sigwaitinfo/sigtimedwait.
bool signal_take(SigSet set, SigInfo* out);

// Blocks on `wq` until cond() holds (checked under wq's lock), like
// WaitQueue::wait_until, but returns INTR when a signal interrupts the wait
// (the caller runs signal_deliver() after undoing its own state). Kernel
// threads wait uninterruptibly. `also` adds numbers that interrupt although
// blocked (sigwaitinfo). TIMEDOUT as wait_until.
template <typename Cond>
klib::Result<void> signal_wait(sched::WaitQueue& wq, Cond&& cond, std::uint64_t timeout_ns,
                               SigSet also = 0);

// Async delivery stays off on the calling thread while one of these lives
// (API code that must not be interrupted by a handler re-entering it).
class SignalDeferGuard {
 public:
  SignalDeferGuard();
  ~SignalDeferGuard();
  SignalDeferGuard(const SignalDeferGuard&) = delete;
  SignalDeferGuard& operator=(const SignalDeferGuard&) = delete;

 private:
  ProcessThread* t_;
};

namespace detail {
ProcessThread* signal_wait_begin(sched::WaitQueue& wq, SigSet also);
void signal_wait_end(ProcessThread* t);
}  // namespace detail

template <typename Cond>
klib::Result<void> signal_wait(sched::WaitQueue& wq, Cond&& cond, std::uint64_t timeout_ns,
                               SigSet also) {
  ProcessThread* self = detail::signal_wait_begin(wq, also);
  bool interrupted = false;
  auto r = wq.wait_until(
      [&] {
        if (cond()) return true;
        if (self && signal_interrupting(self)) {
          interrupted = true;
          return true;
        }
        return false;
      },
      timeout_ns);
  detail::signal_wait_end(self);
  if (interrupted) return klib::Err(klib::Error::INTR);
  return r;
}

}  // namespace kernel
