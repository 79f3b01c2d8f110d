// KTEST: priority inheritance. The classic inversion (low L holds the mutex,
// high H wants it, medium M spins on L's CPU) with and without inheritance,
// a transitive chain, a fair owner lifted into RT, deadlock detection,
// timed lock, and priority-ordered hand-off.
#include <kernel/ktest.hpp>
#include <klib/printk.hpp>
#include <sched/sched.hpp>

#include <atomic>
#include <new>

namespace {

unsigned test_cpu() { return sched::cpus_online() > 1 ? 1 : 0; }

// Polls (sleeping 1 ms) until pred() or timeout (30 s: a hang bound, never a
// timing claim, since a loaded host may stall a vCPU for seconds); the runner is above every
// test thread here, so sleeping is what lets them run on a single CPU.
template <typename Pred>
bool wait_for(Pred&& pred, std::uint64_t timeout_ns = 30'000'000'000) {
  const std::uint64_t end = sched::uptime_ns() + timeout_ns;
  while (!pred()) {
    if (sched::uptime_ns() >= end) return false;
    sched::sleep_ns(1'000'000);
  }
  return true;
}

bool blocked(sched::Thread* t) { return t->state.load() == sched::ThreadState::Blocked; }

sched::Thread* spawn(const char* name, void (*fn)(void*), void* arg, int prio,
                     sched::Policy policy = sched::Policy::Fifo, int nice = 0) {
  sched::ThreadAttr a;
  a.policy = policy;
  a.priority = prio;
  a.nice = nice;
  a.cpu = static_cast<int>(test_cpu());
  a.affinity = sched::cpu_bit(test_cpu());
  auto t = sched::thread_create(name, fn, arg, a);
  return t.ok() ? *t : nullptr;
}

// --- the classic inversion ---------------------------------------------------
constexpr int kLow = 20, kMid = 40, kHigh = 60;

struct Inversion {
  sched::Mutex* m;
  std::atomic<bool> l_locked{false};
  std::atomic<bool> h_trying{false};
  std::atomic<bool> h_got{false};
  std::atomic<bool> stop{false};
  std::atomic<bool> mid_done{false};
  std::atomic<bool> mid_running_at_acquire{false};
  std::atomic<int> l_eff_while_h_waits{-9};
  std::atomic<std::uint64_t> mid_spins{0};
};

void inv_low(void* p) {
  auto* s = static_cast<Inversion*>(p);
  s->m->lock();
  s->l_locked = true;
  // Busy "work" while holding the mutex: needs the CPU, which M takes.
  while (!s->h_trying.load()) {
  }
  const std::uint64_t until = sched::uptime_ns() + 5'000'000;
  while (sched::uptime_ns() < until && !s->stop.load()) {
  }
  s->l_eff_while_h_waits = sched::effective_priority(sched::current());
  s->m->unlock();
}

void inv_mid(void* p) {
  auto* s = static_cast<Inversion*>(p);
  while (!s->stop.load(std::memory_order_relaxed))
    s->mid_spins.fetch_add(1, std::memory_order_relaxed);
  s->mid_done = true;
}

void inv_high(void* p) {
  auto* s = static_cast<Inversion*>(p);
  s->h_trying = true;
  s->m->lock();
  s->mid_running_at_acquire = !s->mid_done.load();
  s->h_got = true;
  s->m->unlock();
}

// Runs the scenario; returns whether H got the mutex while M still spun.
void run_inversion(ktest::Context& kt, sched::MutexProtocol proto, bool expect_boost) {
  sched::Mutex m(proto);
  static Inversion s;
  s.~Inversion();
  new (&s) Inversion();
  s.m = &m;
  sched::Thread* low = spawn("kt-pi-low", inv_low, &s, kLow);
  KT_ASSERT(low);
  KT_ASSERT(wait_for([] { return s.l_locked.load(); }));
  sched::Thread* mid = spawn("kt-pi-mid", inv_mid, &s, kMid);
  KT_ASSERT(mid);
  KT_ASSERT(wait_for([] { return s.mid_spins.load() > 0; }));
  sched::Thread* high = spawn("kt-pi-high", inv_high, &s, kHigh);
  KT_ASSERT(high);
  // While H waits, L runs at H's priority (with inheritance). H is marked
  // Blocked a few instructions before the boost reaches L (both under the
  // scheduler's PI lock, which this observer on another CPU does not take),
  // so with inheritance wait for the boost itself, not the first sample: a
  // host that stalls H's vCPU between the two showed 20 here once in 20.
  int seen_eff = -9;
  const bool h_blocked = wait_for([&] {
    if (blocked(high) && !s.h_got.load()) seen_eff = sched::effective_priority(low);
    if (s.h_got.load()) return true;
    return expect_boost ? seen_eff == kHigh : seen_eff != -9;
  });
  KT_EXPECT(h_blocked);
  KT_EXPECT_EQ(sched::base_priority(low), kLow);
  if (expect_boost) {
    KT_EXPECT(wait_for([] { return s.h_got.load(); }));
    KT_EXPECT(s.mid_running_at_acquire.load());  // H before M finished
    KT_EXPECT_EQ(s.l_eff_while_h_waits.load(), kHigh);
    if (seen_eff != -9) KT_EXPECT_EQ(seen_eff, kHigh);
  } else {
    // Without inheritance M starves L, so H waits as long as M spins.
    sched::sleep_ns(100'000'000);
    KT_EXPECT(!s.h_got.load());
    KT_EXPECT_EQ(sched::effective_priority(low), kLow);
  }
  s.stop = true;
  KT_EXPECT(sched::thread_join(high).ok());
  KT_EXPECT(sched::thread_join(mid).ok());
  KT_EXPECT(sched::thread_join(low).ok());
  KT_EXPECT(s.h_got.load());
  KT_EXPECT_EQ(sched::effective_priority(sched::current()), sched::kDefaultPriority);
  klib::printk("[ktest]   %s: H got the mutex %s M finished; L ran at %d while H waited\n",
               expect_boost ? "inherit" : "none",
               s.mid_running_at_acquire.load() ? "before" : "after", s.l_eff_while_h_waits.load());
}

}  // namespace

KTEST(sched_pi, inheritance_unblocks_high_before_medium_finishes) {
  run_inversion(kt, sched::MutexProtocol::Inherit, true);
}

KTEST(sched_pi, without_inheritance_medium_starves_high) {
  run_inversion(kt, sched::MutexProtocol::None, false);
}

// --- transitive chain: H -> m2 (owned by B) -> m1 (owned by A) ----------------
namespace {
struct Chain {
  sched::Mutex m1, m2;
  sched::Semaphore a_go{0};
  std::atomic<bool> a_locked{false}, b_locked{false}, h_got{false};
  std::atomic<int> order{0};
  std::atomic<int> a_done_at{-1}, b_done_at{-1}, h_done_at{-1};
};
Chain* g_chain;

void chain_a(void*) {
  Chain& c = *g_chain;
  c.m1.lock();
  c.a_locked = true;
  (void)c.a_go.down();  // sleeps holding m1
  c.a_done_at = c.order.fetch_add(1);
  c.m1.unlock();
}
void chain_b(void*) {
  Chain& c = *g_chain;
  c.m2.lock();
  c.b_locked = true;
  c.m1.lock();
  c.b_done_at = c.order.fetch_add(1);
  c.m1.unlock();
  c.m2.unlock();
}
void chain_h(void*) {
  Chain& c = *g_chain;
  c.m2.lock();
  c.h_done_at = c.order.fetch_add(1);
  c.h_got = true;
  c.m2.unlock();
}
}  // namespace

KTEST(sched_pi, transitive_chain_of_three) {
  static Chain chain;
  chain.~Chain();
  new (&chain) Chain();
  g_chain = &chain;
  sched::Thread* a = spawn("kt-chain-a", chain_a, nullptr, 10);
  KT_ASSERT(a && wait_for([] { return g_chain->a_locked.load(); }));
  sched::Thread* b = spawn("kt-chain-b", chain_b, nullptr, 30);
  KT_ASSERT(b && wait_for([&] { return g_chain->b_locked.load() && blocked(b); }));
  // Blocked is visible just before the boost lands (see run_inversion).
  KT_EXPECT(wait_for([&] { return sched::effective_priority(a) == 30; }));  // one hop
  sched::Thread* h = spawn("kt-chain-h", chain_h, nullptr, 90);
  KT_ASSERT(h && wait_for([&] { return blocked(h); }));
  KT_EXPECT(wait_for([&] { return sched::effective_priority(a) == 90; }));
  KT_EXPECT_EQ(sched::effective_priority(b), 90);  // both hops
  KT_EXPECT_EQ(sched::effective_priority(a), 90);
  KT_EXPECT_EQ(sched::base_priority(a), 10);
  KT_EXPECT_EQ(sched::base_priority(b), 30);
  // ps shows both numbers.
  int ps_eff = -9, ps_base = -9;
  sched::for_each_thread([&](const sched::ThreadInfo& i) {
    if (i.id == a->id) {
      ps_eff = i.priority;
      ps_base = i.base_priority;
    }
  });
  KT_EXPECT_EQ(ps_eff, 90);
  KT_EXPECT_EQ(ps_base, 10);
  chain.a_go.up();
  KT_EXPECT(sched::thread_join(h).ok());
  KT_EXPECT(sched::thread_join(b).ok());
  KT_EXPECT(sched::thread_join(a).ok());
  KT_EXPECT_EQ(chain.a_done_at.load(), 0);
  KT_EXPECT_EQ(chain.b_done_at.load(), 1);
  KT_EXPECT_EQ(chain.h_done_at.load(), 2);
}

// --- a fair owner is lifted into the RT class ---------------------------------
namespace {
sched::Mutex g_fair_m;
sched::Semaphore g_fair_go{0};
std::atomic<bool> g_fair_locked{false};
void fair_owner(void*) {
  g_fair_m.lock();
  g_fair_locked = true;
  (void)g_fair_go.down();
  g_fair_m.unlock();
}
void rt_waiter(void*) {
  g_fair_m.lock();
  g_fair_m.unlock();
}
}  // namespace

KTEST(sched_pi, fair_owner_inherits_rt_priority) {
  g_fair_locked = false;
  sched::Thread* f = spawn("kt-fair-own", fair_owner, nullptr, 0, sched::Policy::Fair, 5);
  KT_ASSERT(f && wait_for([] { return g_fair_locked.load(); }));
  KT_EXPECT_EQ(sched::effective_priority(f), -1);  // fair class
  sched::Thread* w = spawn("kt-rt-wait", rt_waiter, nullptr, 77);
  KT_ASSERT(w && wait_for([&] { return blocked(w); }));
  KT_EXPECT(wait_for([&] { return sched::effective_priority(f) == 77; }));
  KT_EXPECT(sched::effective_policy(f) == sched::Policy::Fifo);
  KT_EXPECT_EQ(sched::base_priority(f), -1);
  g_fair_go.up();
  KT_EXPECT(sched::thread_join(w).ok());
  KT_EXPECT(wait_for([&] { return sched::effective_policy(f) == sched::Policy::Fair; }));
  KT_EXPECT(sched::thread_join(f).ok());
}

// --- deadlock detection, timed lock, self-relock -------------------------------
namespace {
sched::Mutex g_dl1, g_dl2;
std::atomic<bool> g_dl_y_locked{false};
std::atomic<int> g_dl_y_result{-1};
void dl_y(void*) {
  g_dl2.lock();
  g_dl_y_locked = true;
  g_dl1.lock();  // blocks: the runner owns dl1
  g_dl1.unlock();
  g_dl2.unlock();
}

sched::Mutex g_tl;
std::atomic<int> g_tl_err{0};
void tl_waiter(void*) {
  auto r = g_tl.timed_lock(20'000'000);
  g_tl_err = r.ok() ? 0 : static_cast<int>(r.error());
  if (r.ok()) g_tl.unlock();
}
}  // namespace

KTEST(sched_pi, deadlock_and_timeout_are_reported) {
  g_dl_y_locked = false;
  g_dl1.lock();
  KT_EXPECT(g_dl1.timed_lock().error() == klib::Error::DEADLK);  // relock own
  sched::Thread* y = spawn("kt-dl-y", dl_y, nullptr, 50);
  KT_ASSERT(y && wait_for([&] { return g_dl_y_locked.load() && blocked(y); }));
  // runner -> dl2 (owned by y) -> y waits for dl1 (owned by runner): a cycle.
  auto r = g_dl2.timed_lock();
  KT_EXPECT(!r.ok() && r.error() == klib::Error::DEADLK);
  g_dl1.unlock();
  KT_EXPECT(sched::thread_join(y).ok());

  // A higher waiter that times out boosts the owner only while it waits.
  g_tl_err = 0;
  g_tl.lock();
  sched::Thread* w = spawn("kt-tl", tl_waiter, nullptr, 200);
  KT_ASSERT(w);
  // The boost shows while W waits, unless a stalled vCPU let its 20 ms run
  // out first (W is marked Blocked just before the boost lands, so waiting
  // for Blocked alone and reading once raced).
  bool saw_boost = false;
  KT_EXPECT(wait_for([&] {
    saw_boost |= sched::effective_priority(sched::current()) == 200;
    return saw_boost || g_tl_err.load() != 0;
  }));
  if (!saw_boost)
    klib::printk("[ktest]   note: the timed waiter expired before its boost was seen\n");
  KT_EXPECT(sched::thread_join(w).ok());
  KT_EXPECT_EQ(g_tl_err.load(), static_cast<int>(klib::Error::TIMEDOUT));
  KT_EXPECT_EQ(sched::effective_priority(sched::current()), sched::kDefaultPriority);
  g_tl.unlock();
  KT_EXPECT(g_tl.try_lock());
  g_tl.unlock();
}

// --- hand-off and wake-up in priority order ----------------------------------
namespace {
sched::Mutex g_ord_m(sched::MutexProtocol::None);
sched::Semaphore g_ord_sem{0};
std::atomic<int> g_ord_n{0};
int g_ord_prio[3];
void ord_mutex(void*) {
  g_ord_m.lock();
  g_ord_prio[g_ord_n.fetch_add(1)] = sched::base_priority(sched::current());
  g_ord_m.unlock();
}
void ord_sem(void*) {
  (void)g_ord_sem.down();
  g_ord_prio[g_ord_n.fetch_add(1)] = sched::base_priority(sched::current());
}
}  // namespace

KTEST(sched_pi, waiters_served_highest_priority_first) {
  const int prios[3] = {10, 30, 20};
  for (int round = 0; round < 2; ++round) {
    g_ord_n = 0;
    if (round == 0) g_ord_m.lock();
    sched::Thread* ts[3];
    for (int i = 0; i < 3; ++i) {
      ts[i] = spawn("kt-order", round == 0 ? ord_mutex : ord_sem, nullptr, prios[i]);
      KT_ASSERT(ts[i] && wait_for([&] { return blocked(ts[i]); }));
    }
    if (round == 0) {
      g_ord_m.unlock();
    } else {
      for (int i = 0; i < 3; ++i) g_ord_sem.up();
    }
    for (auto* t : ts) KT_EXPECT(sched::thread_join(t).ok());
    KT_EXPECT_EQ(g_ord_prio[0], 30);
    KT_EXPECT_EQ(g_ord_prio[1], 20);
    KT_EXPECT_EQ(g_ord_prio[2], 10);
  }
}
