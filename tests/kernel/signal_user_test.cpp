// KTEST: the signal core's side of user-mode handlers (user_deliver.cpp)
// for a process whose rules have a user_return hook: the core never runs
// its handlers itself; signal_next_for_user hands over the next signal
// with the handler's mask applied and SA_RESETHAND done, drops ignored
// ones and ends the process for a default "terminate"; signal_fault only
// queues to an unblocked handler; signal_reset_for_exec keeps SIG_IGN.
// Also: realtime instances cannot take the node pool's reserve, so a
// standard signal still gets through when a program has queued without end.
#include <kernel/ktest.hpp>
#include <kernel/process.hpp>
#include <kernel/signal.hpp>
#include <sched/sched.hpp>

#include <atomic>

namespace {

std::atomic<int> g_result{0};  // bit per failed check in the spawned thread
std::atomic<int> g_invoked{0};
std::atomic<int> g_terminated{0};

constexpr int kStd = 10, kOther = 12, kIgnoredByDefault = 20, kIgnored = 13, kRt = 40;
constexpr std::uintptr_t kHandler = 0x1000;

void never_invoked(const kernel::SignalAction&, const kernel::SigInfo&) { g_invoked.fetch_add(1); }

[[noreturn]] void test_terminate(int signo) {
  g_terminated.store(signo);
  kernel::thread_exit_current(128 + signo, true);
}

void user_return_hook(hal::TrapFrame*) {}

const kernel::SignalRules g_rules{
    .uncatchable = kernel::sig_bit(9),
    .default_ignore = kernel::sig_bit(kIgnoredByDefault),
    .queued = kernel::sig_bit(kRt),
    .invoke = never_invoked,
    .terminate = test_terminate,
    .user_return = user_return_hook,
};

void check(bool ok, int bit) {
  if (!ok) g_result.fetch_or(1 << bit);
}

kernel::SigInfo sent(int signo) {
  kernel::SigInfo i;
  i.signo = signo;
  i.code = kernel::SigCode::Tkill;
  i.sender = kernel::current_pid();
  return i;
}

void body(void*) {
  kernel::ProcessThread* self = kernel::current_thread();
  const int tid = self->tid;
  kernel::SignalAction act{
      .handler = kHandler, .mask = kernel::sig_bit(kOther), .flags = kernel::kSaResetHand};
  check(kernel::signal_action(kStd, &act, nullptr).ok(), 0);
  check(kernel::signal_send_thread(tid, sent(kStd)).ok(), 1);
  // The core leaves user-mode handlers to the personality.
  check(kernel::signal_deliver() == 0, 2);
  kernel::SignalAction peek;
  check(kernel::signal_peek_action(&peek) && peek.handler == kHandler, 3);
  kernel::UserDelivery d;
  check(kernel::signal_next_for_user(&d), 4);
  check(d.info.signo == kStd && d.info.code == kernel::SigCode::Tkill, 5);
  check(d.old_mask == 0 && d.action.handler == kHandler, 6);
  check(kernel::signal_blocked() == (kernel::sig_bit(kStd) | kernel::sig_bit(kOther)), 7);
  kernel::SignalAction now;
  check(kernel::signal_action(kStd, nullptr, &now).ok() && now.handler == kernel::kSigDefault, 8);
  check(!kernel::signal_next_for_user(&d), 9);
  const kernel::SigSet none = 0;
  check(kernel::signal_mask(kernel::MaskHow::Set, &none, nullptr, false).ok(), 10);

  // Faults: only an unblocked handler takes them.
  kernel::SigInfo fault = sent(kOther);
  fault.code = kernel::SigCode::Fault;
  fault.addr = 0x42;
  check(!kernel::signal_fault(fault), 11);  // default action
  kernel::SignalAction catcher{.handler = kHandler};
  check(kernel::signal_action(kOther, &catcher, nullptr).ok(), 12);
  const kernel::SigSet other = kernel::sig_bit(kOther);
  check(kernel::signal_mask(kernel::MaskHow::Block, &other, nullptr, false).ok(), 13);
  check(!kernel::signal_fault(fault), 14);  // blocked
  check(kernel::signal_mask(kernel::MaskHow::Set, &none, nullptr, false).ok(), 15);
  check(kernel::signal_fault(fault), 16);
  check(kernel::signal_next_for_user(&d) && d.info.code == kernel::SigCode::Fault &&
            d.info.addr == 0x42,
        17);
  check(kernel::signal_mask(kernel::MaskHow::Set, &none, nullptr, false).ok(), 18);

  // A default-ignored signal pending while blocked is dropped once unblocked.
  const kernel::SigSet ign = kernel::sig_bit(kIgnoredByDefault);
  check(kernel::signal_mask(kernel::MaskHow::Block, &ign, nullptr, false).ok(), 19);
  check(kernel::signal_send_thread(tid, sent(kIgnoredByDefault)).ok(), 20);
  check(kernel::signal_pending() == ign, 21);
  check(kernel::signal_mask(kernel::MaskHow::Set, &none, nullptr, false).ok(), 22);
  check(!kernel::signal_next_for_user(&d), 23);

  // execve: handlers back to default, SIG_IGN kept, alternate stack gone.
  kernel::SignalAction ignore{.handler = kernel::kSigIgnore};
  check(kernel::signal_action(kIgnored, &ignore, nullptr).ok(), 24);
  self->signals.alt = kernel::AltStack{0x10000, 0x4000};
  kernel::signal_reset_for_exec();
  check(kernel::signal_action(kOther, nullptr, &now).ok() && now.handler == kernel::kSigDefault,
        25);
  check(kernel::signal_action(kIgnored, nullptr, &now).ok() && now.handler == kernel::kSigIgnore,
        26);
  check(self->signals.alt.size == 0, 27);

  // A default "terminate" ends the process from signal_next_for_user.
  check(kernel::signal_send_thread(tid, sent(kStd)).ok(), 28);
  (void)kernel::signal_next_for_user(&d);
  g_result.fetch_or(1 << 29);  // not reached
}

std::atomic<int> g_queued{0};

void flood(void*) {
  const int tid = kernel::current_thread()->tid;
  const kernel::SigSet both = kernel::sig_bit(kRt) | kernel::sig_bit(kStd);
  check(kernel::signal_mask(kernel::MaskHow::Block, &both, nullptr, false).ok(), 0);
  kernel::SignalAction catcher{.handler = kHandler};
  check(kernel::signal_action(kRt, &catcher, nullptr).ok(), 1);
  check(kernel::signal_action(kStd, &catcher, nullptr).ok(), 2);
  int n = 0;
  bool again = false;
  for (; n < 100000; ++n) {
    auto r = kernel::signal_send_thread(tid, sent(kRt));
    if (!r.ok()) {
      again = r.error() == klib::Error::AGAIN;
      break;
    }
  }
  g_queued.store(n);
  check(again && n > 0, 3);
  // The reserve: a standard signal is still queued.
  check(kernel::signal_send_thread(tid, sent(kStd)).ok(), 4);
  check(kernel::signal_pending() == both, 5);
  // Ignoring discards every queued instance (the nodes go back).
  kernel::SignalAction ignore{.handler = kernel::kSigIgnore};
  check(kernel::signal_action(kRt, &ignore, nullptr).ok(), 6);
  check(kernel::signal_action(kStd, &ignore, nullptr).ok(), 7);
  check(kernel::signal_pending() == 0, 8);
  check(kernel::signal_action(kRt, &catcher, nullptr).ok(), 9);
  check(kernel::signal_send_thread(tid, sent(kRt)).ok(), 10);
  check(kernel::signal_action(kRt, &ignore, nullptr).ok(), 11);
}

int run_in_process(const char* name, void (*fn)(void*)) {
  auto p = kernel::process_create(name, nullptr);
  if (!p.ok()) return -2;
  kernel::signal_init_process(*p, &g_rules);
  kernel::ThreadParams params;
  params.name = name;
  auto t = kernel::thread_spawn(*p, params, fn, nullptr);
  if (!t.ok()) {
    kernel::process_abandon(*p);
    return -3;
  }
  kernel::thread_put(*t);
  int status = -1;
  (void)kernel::wait_child((*p)->pid, &status, 0);
  return status;
}

}  // namespace

KTEST(signal, realtime_flood_leaves_the_reserve) {
  g_result = 0;
  g_queued = 0;
  KT_EXPECT_EQ(run_in_process("kt-sig-flood", flood), 0);
  KT_EXPECT_EQ(g_result.load(), 0);
  KT_EXPECT(g_queued.load() > 0);
}

KTEST(signal, user_mode_delivery_handover) {
  g_result = 0;
  g_invoked = 0;
  g_terminated = 0;
  const int status = run_in_process("kt-sig-user", body);
  KT_EXPECT_EQ(status, (128 + kStd) << 8);
  KT_EXPECT_EQ(g_terminated.load(), kStd);
  KT_EXPECT_EQ(g_result.load(), 0);
  KT_EXPECT_EQ(g_invoked.load(), 0);
}
