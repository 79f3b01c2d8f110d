// KTEST: the kernel signal core: masks, pending sets, coalescing of
// standard signals and queueing of realtime ones with values, an
// interruptible wait woken by a process-directed signal whose handler runs
// before the wait returns, and asynchronous delivery to a thread that never
// blocks (interrupt-return divert), with the default "terminate" action.
#include <kernel/ktest.hpp>
#include <kernel/process.hpp>
#include <kernel/signal.hpp>
#include <sched/sched.hpp>

#include <atomic>

namespace {

std::atomic<int> g_handled{0};
std::atomic<int> g_last_signo{0};
std::atomic<std::uintptr_t> g_last_value{0};
std::atomic<int> g_terminated{0};
std::atomic<int> g_result{0};  // bit per failed check in the spawned thread
std::atomic<bool> g_ready{false};
std::atomic<bool> g_stop{false};

void test_invoke(const kernel::SignalAction&, const kernel::SigInfo& info) {
  g_last_signo.store(info.signo);
  g_last_value.store(info.value);
  g_handled.fetch_add(1);
}

[[noreturn]] void test_terminate(int signo) {
  g_terminated.store(signo);
  kernel::thread_exit_current(128 + signo, true);
}

constexpr int kStd = 10, kRt = 40, kOther = 12;

const kernel::SignalRules g_rules{
    .uncatchable = kernel::sig_bit(9),
    .default_ignore = kernel::sig_bit(20),
    .queued = kernel::sig_bit(kRt),
    .invoke = test_invoke,
    .terminate = test_terminate,
};

kernel::Process* spawn(const char* name, void (*fn)(void*)) {
  auto p = kernel::process_create(name, nullptr);
  if (!p.ok()) return nullptr;
  kernel::signal_init_process(*p, &g_rules);
  kernel::ThreadParams params;
  params.name = name;
  auto t = kernel::thread_spawn(*p, params, fn, nullptr);
  if (!t.ok()) {
    kernel::process_abandon(*p);
    return nullptr;
  }
  kernel::thread_put(*t);
  return *p;
}

int reap(kernel::Process* p) {
  int status = -1;
  (void)kernel::wait_child(p->pid, &status, 0);
  return status;
}

void check(bool ok, int bit) {
  if (!ok) g_result.fetch_or(1 << bit);
}

kernel::SigInfo info(int signo, std::uintptr_t value = 0) {
  kernel::SigInfo i;
  i.signo = signo;
  i.code = kernel::SigCode::Queue;
  i.value = value;
  return i;
}

void masks_and_queues(void*) {
  kernel::ProcessThread* self = kernel::current_thread();
  kernel::SignalAction act{.handler = 0x1000};  // any non-default value: test_invoke runs
  check(kernel::signal_action(kStd, &act, nullptr).ok(), 15);
  check(kernel::signal_action(kRt, &act, nullptr).ok(), 15);
  const kernel::SigSet both = kernel::sig_bit(kStd) | kernel::sig_bit(kRt);
  check(kernel::signal_mask(kernel::MaskHow::Block, &both, nullptr).ok(), 0);
  for (int i = 1; i <= 3; ++i) {
    check(kernel::signal_send_to(self, info(kStd, i)).ok(), 1);
    check(kernel::signal_send_to(self, info(kRt, i * 10)).ok(), 2);
  }
  check(kernel::signal_pending() == both, 3);
  check(g_handled.load() == 0, 4);
  kernel::SigInfo got;
  check(kernel::signal_take(kernel::sig_bit(kStd), &got) && got.value == 1, 5);  // coalesced: first
  check(!kernel::signal_take(kernel::sig_bit(kStd), &got), 6);
  for (int i = 1; i <= 3; ++i)
    check(kernel::signal_take(kernel::sig_bit(kRt), &got) && got.value == i * 10u, 7);
  // Unblocking delivers before signal_mask returns.
  check(kernel::signal_send_to(self, info(kRt, 7)).ok(), 8);
  check(kernel::signal_mask(kernel::MaskHow::Unblock, &both, nullptr).ok(), 9);
  check(g_handled.load() == 1 && g_last_value.load() == 7, 10);
  // Uncatchable: never blocked, never caught.
  const kernel::SigSet kill = kernel::sig_bit(9);
  kernel::SigSet old = 0;
  check(kernel::signal_mask(kernel::MaskHow::Block, &kill, nullptr).ok(), 11);
  check(kernel::signal_mask(kernel::MaskHow::Block, nullptr, &old).ok() && !(old & kill), 12);
  kernel::SignalAction catch_it{.handler = 0x1234};
  check(kernel::signal_action(9, &catch_it, nullptr).error() == klib::Error::INVAL, 13);
  check(kernel::signal_action(0, &catch_it, nullptr).error() == klib::Error::INVAL, 14);
}

void waits_then_interrupted(void*) {
  kernel::SignalAction act{.handler = 0x1000};  // any non-default value: test_invoke runs
  check(kernel::signal_action(kOther, &act, nullptr).ok(), 0);
  sched::WaitQueue wq;
  g_ready.store(true);
  auto r = kernel::signal_wait(
      wq, [] { return false; }, 2'000'000'000);
  check(!r.ok() && r.error() == klib::Error::INTR, 1);
  // The handler ran before the wait returned (an interrupt return may have
  // diverted to it already) or runs now.
  (void)kernel::signal_deliver();
  check(g_handled.load() == 1, 2);
  check(g_last_signo.load() == kOther, 3);
}

void busy(void*) {
  kernel::SignalAction act{.handler = 0x1000};
  check(kernel::signal_action(kOther, &act, nullptr).ok(), 0);
  g_ready.store(true);
  // Never blocks and never calls into the signal core: only an interrupt
  // return can run the handler here.
  while (g_handled.load(std::memory_order_relaxed) == 0) {
  }
  g_ready.store(false);
  while (!g_stop.load(std::memory_order_relaxed)) {
  }
}

void reset() {
  g_handled = 0;
  g_result = 0;
  g_ready = false;
  g_stop = false;
  g_terminated = 0;
}

}  // namespace

KTEST(signal, masks_coalescing_and_rt_queueing) {
  reset();
  kernel::Process* p = spawn("kt-sig-mask", masks_and_queues);
  KT_ASSERT(p);
  KT_EXPECT_EQ(reap(p), 0);
  KT_EXPECT_EQ(g_result.load(), 0);
}

KTEST(signal, interruptible_wait_runs_handler) {
  reset();
  kernel::Process* p = spawn("kt-sig-wait", waits_then_interrupted);
  KT_ASSERT(p);
  while (!g_ready.load()) sched::sleep_ns(1'000'000);
  sched::sleep_ns(5'000'000);
  KT_EXPECT(kernel::signal_send_process(p->pid, info(kOther, 5)).ok());
  KT_EXPECT_EQ(reap(p), 0);
  KT_EXPECT_EQ(g_result.load(), 0);
  KT_EXPECT_EQ(g_handled.load(), 1);
  KT_EXPECT(kernel::signal_send_process(p->pid, info(kOther)).error() == klib::Error::SRCH);
}

KTEST(signal, async_delivery_to_busy_thread_then_terminate) {
  reset();
  kernel::Process* p = spawn("kt-sig-busy", busy);
  KT_ASSERT(p);
  while (!g_ready.load()) sched::sleep_ns(1'000'000);
  KT_EXPECT(kernel::signal_send_process(p->pid, info(kOther, 9)).ok());
  for (int i = 0; i < 30000 && g_handled.load() == 0; ++i) sched::sleep_ns(1'000'000);
  KT_EXPECT_EQ(g_handled.load(), 1);
  KT_EXPECT_EQ(g_last_value.load(), 9u);
  // A default-action signal now ends the still-busy process (status 128+n).
  KT_EXPECT(kernel::signal_send_process(p->pid, info(kStd)).ok());
  KT_EXPECT_EQ(reap(p), (128 + kStd) << 8);
  KT_EXPECT_EQ(g_terminated.load(), kStd);
  // The ignored-by-default one vanishes; the kernel process takes none.
  KT_EXPECT(kernel::signal_send_process(kernel::kKernelPid, info(kStd)).error() ==
            klib::Error::SRCH);
}
