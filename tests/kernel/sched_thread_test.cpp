// KTEST: scheduler basics: create/join, sleep accuracy, wait timeouts,
// preemption of a busy thread by a timer-woken one, RR rotation among
// equals. (The guard page is covered by protection.stack_overflow_hits_guard_page.)
#include <hal/timer.hpp>
#include <kernel/ktest.hpp>
#include <klib/assert.hpp>
#include <klib/printk.hpp>
#include <sched/hrtimer.hpp>
#include <sched/sched.hpp>
#include <sched/wait.hpp>

#include <atomic>

namespace {

// A CPU other than the runner's (CPU 0) when there is one.
unsigned other_cpu() { return sched::cpus_online() > 1 ? 1 : 0; }

int g_arg = 0;
std::atomic<int> g_seen{0};

void exit_with_arg(void* arg) {
  g_seen.store(*static_cast<int*>(arg));
  sched::thread_exit(*static_cast<int*>(arg) + 1);
}

void return_normally(void*) { g_seen.fetch_add(1); }

}  // namespace

KTEST(sched, create_and_join_returns_exit_code) {
  g_arg = 41;
  g_seen = 0;
  auto t = sched::thread_create("kt-exit", exit_with_arg, &g_arg);
  KT_ASSERT(t.ok());
  auto code = sched::thread_join(*t);
  KT_ASSERT(code.ok());
  KT_EXPECT_EQ(*code, 42);
  KT_EXPECT_EQ(g_seen.load(), 41);

  // Returning from the entry function exits with 0; many short threads
  // recycle stacks without leaking.
  g_seen = 0;
  for (int i = 0; i < 50; ++i) {
    auto r = sched::thread_create("kt-ret", return_normally, nullptr, sched::kDefaultPriority,
                                  static_cast<int>(i % sched::cpus_online()));
    KT_ASSERT(r.ok());
    auto c = sched::thread_join(*r);
    KT_EXPECT(c.ok() && *c == 0);
  }
  KT_EXPECT_EQ(g_seen.load(), 50);
  KT_EXPECT(!sched::thread_create("bad", return_normally, nullptr, 256).ok());
  KT_EXPECT(!sched::thread_create("bad", return_normally, nullptr, 10, 99).ok());
  KT_EXPECT(sched::thread_join(sched::current()).error() == klib::Error::DEADLK);
}

KTEST(sched, sleep_wakes_after_deadline) {
  constexpr std::uint64_t kSleep = 10'000'000;  // 10 ms
  std::uint64_t worst_ticks = 0;
  for (int i = 0; i < 5; ++i) {
    const std::uint64_t t0 = hal::timer_ticks();
    sched::sleep_ns(kSleep);
    const std::uint64_t elapsed = hal::timer_ticks() - t0;
    KT_EXPECT(elapsed >= sched::ns_to_ticks(kSleep));
    const std::uint64_t over = elapsed - sched::ns_to_ticks(kSleep);
    if (over > worst_ticks) worst_ticks = over;
  }
  // Informational only: an emulator's timing is noisy.
  klib::printk("[ktest]   sleep 10ms: worst overshoot %llu ticks (%llu us) at %llu Hz\n",
               static_cast<unsigned long long>(worst_ticks),
               static_cast<unsigned long long>(sched::ticks_to_ns(worst_ticks) / 1000),
               static_cast<unsigned long long>(hal::timer_frequency_hz()));
}

KTEST(sched, wait_times_out_and_wake_beats_timeout) {
  static sched::WaitQueue wq;
  const std::uint64_t t0 = sched::uptime_ns();
  auto r = wq.wait(5'000'000);
  KT_EXPECT(!r.ok() && r.error() == klib::Error::TIMEDOUT);
  KT_EXPECT(sched::uptime_ns() - t0 >= 5'000'000);
  KT_EXPECT(wq.empty());

  // A condition already true returns at once, even with a zero timeout.
  KT_EXPECT(wq.wait_until([] { return true; }, 0).ok());

  // A waker on another CPU beats a long timeout.
  static std::atomic<bool> flag{false};
  flag = false;
  auto waker = sched::thread_create(
      "kt-waker",
      [](void*) {
        sched::sleep_ns(2'000'000);
        flag.store(true);
        wq.wake_all();
      },
      nullptr, sched::kDefaultPriority, static_cast<int>(other_cpu()));
  KT_ASSERT(waker.ok());
  auto w = wq.wait_until([] { return flag.load(); }, 2'000'000'000);
  KT_EXPECT(w.ok());
  KT_EXPECT(sched::thread_join(*waker).ok());
}

namespace {
std::atomic<bool> g_stop{false};
std::atomic<std::uint64_t> g_spins{0};
std::atomic<bool> g_spinner_done{false};
std::atomic<bool> g_high_ran_during_spin{false};
std::atomic<std::uint64_t> g_spins_at_high{0};

void spinner(void*) {
  // Never yields or blocks: only an interrupt-driven preemption lets the
  // higher-priority thread on this CPU run before g_stop.
  while (!g_stop.load(std::memory_order_relaxed)) g_spins.fetch_add(1, std::memory_order_relaxed);
  g_spinner_done.store(true);
}

void sleeper_high(void*) {
  sched::sleep_ns(5'000'000);  // the timer interrupt wakes it
  g_spins_at_high.store(g_spins.load());
  g_high_ran_during_spin.store(!g_spinner_done.load());
  g_stop.store(true);
}
}  // namespace

KTEST(sched, timer_wakeup_preempts_busy_lower_priority_thread) {
  g_stop = false;
  g_spins = 0;
  g_spinner_done = false;
  g_high_ran_during_spin = false;
  const int cpu = static_cast<int>(other_cpu());
  auto low = sched::thread_create("kt-spin", spinner, nullptr, 10, cpu);
  KT_ASSERT(low.ok());
  while (g_spins.load() == 0) sched::sleep_ns(1'000'000);
  auto high = sched::thread_create("kt-high", sleeper_high, nullptr, 200, cpu);
  KT_ASSERT(high.ok());
  // Safety net so a broken scheduler fails instead of hanging.
  for (int i = 0; i < 3000 && !g_stop.load(); ++i) sched::sleep_ns(10'000'000);
  g_stop = true;
  KT_EXPECT(sched::thread_join(*high).ok());
  KT_EXPECT(sched::thread_join(*low).ok());
  KT_EXPECT(g_high_ran_during_spin.load());
  KT_EXPECT(g_spins_at_high.load() > 0);
}

namespace {
std::atomic<std::uint64_t> g_rr_count[2];
void rr_spinner(void* arg) {
  auto* n = static_cast<std::atomic<std::uint64_t>*>(arg);
  while (!g_stop.load(std::memory_order_relaxed)) n->fetch_add(1, std::memory_order_relaxed);
}
}  // namespace

KTEST(sched, round_robin_rotates_equal_priority_spinners) {
  g_stop = false;
  g_rr_count[0] = g_rr_count[1] = 0;
  const int cpu = static_cast<int>(other_cpu());
  // Above the runner on a shared CPU, it still gets back via its sleep timer
  // only if it is higher: keep the spinners below kDefaultPriority.
  auto a = sched::thread_create("kt-rr-a", rr_spinner, &g_rr_count[0], 20, cpu);
  auto b = sched::thread_create("kt-rr-b", rr_spinner, &g_rr_count[1], 20, cpu);
  KT_ASSERT(a.ok() && b.ok());
  sched::sleep_ns(100'000'000);  // 10 slices
  const std::uint64_t ca = g_rr_count[0].load(), cb = g_rr_count[1].load();
  g_stop = true;
  KT_EXPECT(sched::thread_join(*a).ok());
  KT_EXPECT(sched::thread_join(*b).ok());
  KT_EXPECT(ca > 0);
  KT_EXPECT(cb > 0);
  klib::printk("[ktest]   RR spinners over 100 ms: %llu / %llu iterations\n",
               static_cast<unsigned long long>(ca), static_cast<unsigned long long>(cb));
}

namespace {
std::atomic<bool> g_pd_high_ran{false};
std::atomic<bool> g_pd_fired{false};
std::atomic<int> g_pd_before{-1}, g_pd_after{-1};
sched::WaitQueue g_pd_wq;

// Runs in the low thread's CPU timer interrupt: wakes the high thread there.
void pd_timer_fired(sched::Timer*, void*) {
  g_pd_fired.store(true);
  g_pd_wq.wake_one();
}

// The timer is armed only after preemption is off, so the high thread can
// only become runnable inside the critical section, whatever the host's
// scheduling does to the vCPU (a sleep armed before would race with it).
void pd_low(void*) {
  sched::preempt_disable();
  sched::Timer timer(pd_timer_fired, nullptr);
  sched::timer_arm(&timer, sched::uptime_ns() + 2'000'000);
  while (!g_pd_fired.load()) {
  }
  // A little longer: a preemption that was not deferred would happen here.
  const std::uint64_t until = sched::uptime_ns() + 5'000'000;
  while (sched::uptime_ns() < until) {
  }
  g_pd_before.store(g_pd_high_ran.load() ? 1 : 0);
  sched::preempt_enable();  // the deferred preemption happens here
  g_pd_after.store(g_pd_high_ran.load() ? 1 : 0);
}

void pd_high(void*) {
  KASSERT(g_pd_wq.wait_until([] { return g_pd_fired.load(); }).ok());
  g_pd_high_ran.store(true);
}
}  // namespace

KTEST(sched, preempt_disable_defers_preemption_until_enable) {
  g_pd_high_ran = false;
  g_pd_fired = false;
  g_pd_before = g_pd_after = -1;
  const int cpu = static_cast<int>(other_cpu());
  auto high = sched::thread_create("kt-pd-high", pd_high, nullptr, 200, cpu);
  KT_ASSERT(high.ok());
  while ((*high)->state.load() != sched::ThreadState::Blocked) sched::yield();
  auto low = sched::thread_create("kt-pd-low", pd_low, nullptr, 10, cpu);
  KT_ASSERT(low.ok());
  KT_EXPECT(sched::thread_join(*low).ok());
  KT_EXPECT(sched::thread_join(*high).ok());
  KT_EXPECT_EQ(g_pd_before.load(), 0);
  KT_EXPECT_EQ(g_pd_after.load(), 1);
}
