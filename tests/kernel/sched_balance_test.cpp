// KTEST: CPU affinity and load balancing: a running thread moves when its
// CPU leaves its mask (set by another thread or by itself), a sleeping one
// wakes on an allowed CPU, bad masks are refused, and spinners started on
// CPU 0 spread over all CPUs.
#include <kernel/ktest.hpp>
#include <klib/printk.hpp>
#include <sched/sched.hpp>

#include <atomic>

namespace {

template <typename Pred>
bool wait_for(Pred&& pred, std::uint64_t timeout_ns = 30'000'000'000) {
  const std::uint64_t end = sched::uptime_ns() + timeout_ns;
  while (!pred()) {
    if (sched::uptime_ns() >= end) return false;
    sched::sleep_ns(1'000'000);
  }
  return true;
}

std::atomic<bool> g_stop{false};
std::atomic<unsigned> g_seen_cpu{~0u};

void reporter(void*) {
  while (!g_stop.load(std::memory_order_relaxed))
    g_seen_cpu.store(sched::cpu_index_or_zero(), std::memory_order_relaxed);
}

std::atomic<int> g_self_ok{-1};
void self_mover(void* p) {
  const unsigned target = static_cast<unsigned>(reinterpret_cast<std::uintptr_t>(p));
  auto r = sched::set_affinity(sched::current(), sched::cpu_bit(target));
  g_self_ok = r.ok() && sched::cpu_index_or_zero() == target && sched::current()->cpu == target;
}

std::atomic<unsigned> g_woke_on{~0u};
void sleeper(void*) {
  sched::sleep_ns(30'000'000);
  g_woke_on = sched::cpu_index_or_zero();
}

}  // namespace

KTEST(sched_balance, affinity_moves_running_sleeping_and_self) {
  const unsigned n = sched::cpus_online();
  sched::Thread* self = sched::current();
  KT_EXPECT(!sched::set_affinity(self, 0).ok());
  KT_EXPECT(!sched::set_affinity(self, sched::cpu_bit(sched::kMaxCpus - 1) << 1).ok());
  if (n < 3) {
    klib::printk("[ktest]   %u CPU(s): migration needs 3\n", n);
    return;
  }
  // A running spinner on CPU 1 is moved to CPU 2 by the runner.
  g_stop = false;
  g_seen_cpu = ~0u;
  sched::ThreadAttr a;
  a.priority = 20;
  a.cpu = 1;
  a.affinity = sched::cpu_bit(1);
  auto t = sched::thread_create("kt-aff-spin", reporter, nullptr, a);
  KT_ASSERT(t.ok());
  KT_EXPECT(wait_for([] { return g_seen_cpu.load() == 1; }));
  KT_EXPECT(sched::get_affinity(*t) == sched::cpu_bit(1));
  KT_EXPECT(sched::set_affinity(*t, sched::cpu_bit(2)).ok());
  KT_EXPECT(wait_for([] { return g_seen_cpu.load() == 2; }));
  KT_EXPECT_EQ((*t)->cpu.load(), 2u);
  KT_EXPECT((*t)->migrations >= 1);
  // Widening the mask does not move it.
  KT_EXPECT(sched::set_affinity(*t, sched::cpu_bit(1) | sched::cpu_bit(2)).ok());
  sched::sleep_ns(10'000'000);
  KT_EXPECT_EQ(g_seen_cpu.load(), 2u);
  g_stop = true;
  KT_EXPECT(sched::thread_join(*t).ok());

  // A thread moves itself: set_affinity returns on the new CPU.
  g_self_ok = -1;
  a.cpu = 1;
  a.affinity = sched::kAllCpus;
  auto s = sched::thread_create("kt-aff-self", self_mover,
                                reinterpret_cast<void*>(std::uintptr_t{n - 1}), a);
  KT_ASSERT(s.ok());
  KT_EXPECT(sched::thread_join(*s).ok());
  KT_EXPECT_EQ(g_self_ok.load(), 1);

  // A sleeping thread whose mask changes wakes up on the allowed CPU.
  g_woke_on = ~0u;
  a.cpu = 1;
  a.affinity = sched::cpu_bit(1);
  auto z = sched::thread_create("kt-aff-sleep", sleeper, nullptr, a);
  KT_ASSERT(z.ok());
  KT_EXPECT(wait_for([&] { return (*z)->state.load() == sched::ThreadState::Blocked; }));
  KT_EXPECT(sched::set_affinity(*z, sched::cpu_bit(2)).ok());
  KT_EXPECT(sched::thread_join(*z).ok());
  KT_EXPECT_EQ(g_woke_on.load(), 2u);
}

namespace {
constexpr unsigned kMaxSpinners = sched::kMaxCpus;
std::atomic<unsigned> g_spin_cpu[kMaxSpinners];
void spread_spinner(void* p) {
  auto* where = static_cast<std::atomic<unsigned>*>(p);
  while (!g_stop.load(std::memory_order_relaxed))
    where->store(sched::cpu_index_or_zero(), std::memory_order_relaxed);
}
unsigned distinct_cpus(unsigned n) {
  // Counted by hand: popcount becomes SIMD code on aarch64 (see core.cpp).
  bool seen[sched::kMaxCpus] = {};
  unsigned distinct = 0;
  for (unsigned i = 0; i < n; ++i) {
    const unsigned c = g_spin_cpu[i].load();
    if (c < sched::kMaxCpus && !seen[c]) {
      seen[c] = true;
      ++distinct;
    }
  }
  return distinct;
}
}  // namespace

KTEST(sched_balance, spinners_started_on_cpu0_spread_over_all_cpus) {
  const unsigned n = sched::cpus_online();
  g_stop = false;
  sched::Thread* ts[kMaxSpinners] = {};
  for (unsigned i = 0; i < n; ++i) {
    g_spin_cpu[i] = ~0u;
    sched::ThreadAttr a;
    a.priority = 20;               // below the runner, which stays on CPU 0
    a.cpu = 0;                     // all start on CPU 0...
    a.affinity = sched::kAllCpus;  // ...but may go anywhere
    auto t = sched::thread_create("kt-spread", spread_spinner, &g_spin_cpu[i], a);
    KT_ASSERT(t.ok());
    ts[i] = *t;
  }
  const std::uint64_t t0 = sched::uptime_ns();
  const bool spread = wait_for([&] { return distinct_cpus(n) == n; });
  const std::uint64_t took = sched::uptime_ns() - t0;
  const unsigned got = distinct_cpus(n);
  std::uint64_t pulls = 0;
  for (unsigned c = 0; c < n; ++c) {
    sched::CpuStats st{};
    if (sched::cpu_stats(c, &st)) pulls += st.pulls;
  }
  g_stop = true;
  for (unsigned i = 0; i < n; ++i) KT_EXPECT(sched::thread_join(ts[i]).ok());
  KT_EXPECT(spread);
  KT_EXPECT_EQ(got, n);
  klib::printk("[ktest]   %u spinners from CPU 0 on %u distinct CPUs after %llu us (%llu pulls)\n",
               n, got, static_cast<unsigned long long>(took / 1000),
               static_cast<unsigned long long>(pulls));
}
