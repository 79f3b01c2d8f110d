// KTEST: the scheduler across CPUs: wait-queue ping-pong between pinned
// threads, IPI delivery to each CPU, mutex and semaphore contention.
#include <kernel/ktest.hpp>
#include <klib/assert.hpp>
#include <klib/printk.hpp>
#include <sched/sched.hpp>

#include <atomic>

namespace {

constexpr int kRoundTrips = 1000;

struct PingPong {
  sched::WaitQueue wq[2];
  std::atomic<int> turn{0};  // whose move: 0 or 1
  int moves[2] = {0, 0};
};

struct Player {
  PingPong* game;
  int side;
};

void play(void* arg) {
  auto* p = static_cast<Player*>(arg);
  PingPong& g = *p->game;
  const int me = p->side, other = 1 - p->side;
  for (int i = 0; i < kRoundTrips; ++i) {
    (void)g.wq[me].wait_until([&] { return g.turn.load() == me; });
    ++g.moves[me];
    g.turn.store(other);
    g.wq[other].wake_one();
  }
}

}  // namespace

KTEST(sched, pingpong_across_cpus) {
  const unsigned n = sched::cpus_online();
  // Two games: CPUs 0<->1 and 2<->3 (folded onto fewer CPUs if needed).
  static PingPong games[2];
  static Player players[4];
  sched::Thread* threads[4] = {};
  const std::uint64_t t0 = sched::uptime_ns();
  for (int i = 0; i < 4; ++i) {
    PingPong& g = games[i / 2];
    g.turn = 0;
    g.moves[0] = g.moves[1] = 0;
    players[i] = {&g, i % 2};
  }
  for (int i = 0; i < 4; ++i) {
    auto t = sched::thread_create("kt-pingpong", play, &players[i], sched::kDefaultPriority,
                                  static_cast<int>(i % n));
    KT_ASSERT(t.ok());
    threads[i] = *t;
  }
  for (auto* t : threads) KT_EXPECT(sched::thread_join(t).ok());
  for (auto& g : games) {
    KT_EXPECT_EQ(g.moves[0], kRoundTrips);
    KT_EXPECT_EQ(g.moves[1], kRoundTrips);
    KT_EXPECT_EQ(g.turn.load(), 0);
  }
  klib::printk("[ktest]   %d round trips x2 games on %u CPUs in %llu us\n", kRoundTrips, n,
               static_cast<unsigned long long>((sched::uptime_ns() - t0) / 1000));
}

namespace {
sched::WaitQueue g_ipi_wq;
std::atomic<int> g_ipi_go{0};
std::atomic<unsigned> g_ipi_ran_on{~0u};
void ipi_target(void*) {
  (void)g_ipi_wq.wait_until([] { return g_ipi_go.load() != 0; });
  g_ipi_ran_on.store(sched::cpu_index_or_zero());
}
}  // namespace

KTEST(sched, remote_wakeup_sends_ipi_to_each_cpu) {
  const unsigned n = sched::cpus_online();
  if (n < 2) klib::printk("[ktest]   single CPU: nothing to check\n");
  for (unsigned c = 1; c < n; ++c) {
    g_ipi_go = 0;
    g_ipi_ran_on = ~0u;
    auto t = sched::thread_create("kt-ipi", ipi_target, nullptr, sched::kDefaultPriority,
                                  static_cast<int>(c));
    KT_ASSERT(t.ok());
    // Wait until it sleeps on the queue, so the wake below is remote.
    while ((*t)->state.load() != sched::ThreadState::Blocked) sched::sleep_ns(1'000'000);
    sched::CpuStats before{}, after{};
    KT_ASSERT(sched::cpu_stats(c, &before));
    g_ipi_go = 1;
    KT_EXPECT(g_ipi_wq.wake_one());
    KT_EXPECT(sched::thread_join(*t).ok());
    KT_ASSERT(sched::cpu_stats(c, &after));
    KT_EXPECT(after.ipis_received > before.ipis_received);
    KT_EXPECT(after.ipis_sent > before.ipis_sent);
    KT_EXPECT_EQ(g_ipi_ran_on.load(), c);
  }
}

namespace {
constexpr int kIncrements = 5000;
sched::Mutex g_mutex;
long g_counter = 0;  // deliberately not atomic: the mutex must protect it
sched::Semaphore g_sem(2);
std::atomic<int> g_in_sem{0};
std::atomic<int> g_sem_max{0};

void mutex_worker(void*) {
  for (int i = 0; i < kIncrements; ++i) {
    sched::MutexGuard guard(g_mutex);
    const long v = g_counter;
    if (i % 64 == 0) sched::yield();  // hold it across a switch sometimes
    g_counter = v + 1;
  }
}

void sem_worker(void*) {
  for (int i = 0; i < 500; ++i) {
    KASSERT(g_sem.down().ok());
    const int inside = g_in_sem.fetch_add(1) + 1;
    int seen = g_sem_max.load();
    while (inside > seen && !g_sem_max.compare_exchange_weak(seen, inside)) {
    }
    if (i % 16 == 0) sched::yield();
    g_in_sem.fetch_sub(1);
    g_sem.up();
  }
}
}  // namespace

KTEST(sched, mutex_contention_from_all_cpus) {
  const unsigned n = sched::cpus_online();
  g_counter = 0;
  sched::Thread* threads[4] = {};
  for (int i = 0; i < 4; ++i) {
    auto t = sched::thread_create("kt-mutex", mutex_worker, nullptr, sched::kDefaultPriority,
                                  static_cast<int>(i % n));
    KT_ASSERT(t.ok());
    threads[i] = *t;
  }
  for (auto* t : threads) KT_EXPECT(sched::thread_join(t).ok());
  KT_EXPECT_EQ(g_counter, 4L * kIncrements);
  KT_EXPECT(g_mutex.owner() == nullptr);
  KT_EXPECT(g_mutex.try_lock());
  g_mutex.unlock();
}

KTEST(sched, semaphore_bounds_concurrency) {
  const unsigned n = sched::cpus_online();
  g_in_sem = 0;
  g_sem_max = 0;
  sched::Thread* threads[4] = {};
  for (int i = 0; i < 4; ++i) {
    auto t = sched::thread_create("kt-sem", sem_worker, nullptr, sched::kDefaultPriority,
                                  static_cast<int>(i % n));
    KT_ASSERT(t.ok());
    threads[i] = *t;
  }
  for (auto* t : threads) KT_EXPECT(sched::thread_join(t).ok());
  KT_EXPECT(g_sem_max.load() <= 2);
  KT_EXPECT(g_sem_max.load() >= 1);
  KT_EXPECT_EQ(g_sem.value(), 2u);
  auto r = g_sem.down(1'000'000);
  KT_EXPECT(r.ok());
  KT_EXPECT(g_sem.down(1'000'000).ok());
  auto timed = g_sem.down(1'000'000);
  KT_EXPECT(!timed.ok() && timed.error() == klib::Error::TIMEDOUT);
  g_sem.up();
  g_sem.up();
}

KTEST(sched, idle_cpus_are_tickless) {
  const unsigned n = sched::cpus_online();
  std::uint64_t before[sched::kMaxCpus] = {};
  for (unsigned c = 1; c < n; ++c) {
    sched::CpuStats s{};
    KT_ASSERT(sched::cpu_stats(c, &s));
    before[c] = s.timer_irqs;
  }
  sched::sleep_ns(200'000'000);  // the other CPUs have nothing to do
  for (unsigned c = 1; c < n; ++c) {
    sched::CpuStats s{};
    KT_ASSERT(sched::cpu_stats(c, &s));
    KT_EXPECT_EQ(s.timer_irqs - before[c], 0u);
    KT_EXPECT_EQ(s.runnable, 0u);
  }
}
