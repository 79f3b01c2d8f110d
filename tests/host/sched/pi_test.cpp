// Priority inheritance chain logic on a mock graph: ranks across classes,
// boost propagation along chains, the depth bound, deadlock detection, and
// dropping back when a waiter leaves.
#include <gtest/gtest.h>
#include <sched/pi.hpp>

#include <algorithm>
#include <vector>

namespace {

struct M;
struct T {
  int base;
  int rank;
  M* blocked_on = nullptr;
  std::vector<M*> held;
};
struct M {
  T* owner = nullptr;
  bool inherit = true;
  std::vector<T*> waiters;
};

struct Ops {
  int set_calls = 0;
  T* blocked_owner(T* t) { return t->blocked_on ? t->blocked_on->owner : nullptr; }
  bool inherits(T* t) { return t->blocked_on && t->blocked_on->inherit; }
  int rank(T* t) { return t->rank; }
  int wanted_rank(T* t) {
    std::vector<int> tops;
    for (M* m : t->held) {
      if (!m->inherit) continue;
      for (T* w : m->waiters) tops.push_back(w->rank);
    }
    return sched::pi_effective_rank(t->base, tops);
  }
  void set_rank(T* t, int r) {
    t->rank = r;
    ++set_calls;
  }
};

T thread(int base) { return T{base, base}; }

void take(T* t, M* m) {
  m->owner = t;
  t->held.push_back(m);
}

void block(T* t, M* m) {
  t->blocked_on = m;
  m->waiters.push_back(t);
}

void unblock(T* t) {
  auto& w = t->blocked_on->waiters;
  w.erase(std::find(w.begin(), w.end(), t));
  t->blocked_on = nullptr;
}

}  // namespace

TEST(Pi, RanksOrderClasses) {
  EXPECT_EQ(sched::rank_of(sched::Policy::Fair, 200), sched::kFairRank);
  EXPECT_EQ(sched::rank_of(sched::Policy::Idle, 0), sched::kFairRank);
  EXPECT_EQ(sched::rank_of(sched::Policy::Fifo, 0), 0);
  EXPECT_LT(sched::kFairRank, 0);
  EXPECT_LT(sched::kIdleRank, sched::kFairRank);
  const int tops[] = {5, 90, 40};
  EXPECT_EQ(sched::pi_effective_rank(10, tops), 90);
  EXPECT_EQ(sched::pi_effective_rank(100, tops), 100);
  EXPECT_EQ(sched::pi_effective_rank(sched::kFairRank, {}), sched::kFairRank);
}

TEST(Pi, DirectBoostAndDrop) {
  Ops ops;
  T low = thread(10), high = thread(200);
  M m;
  take(&low, &m);
  block(&high, &m);
  EXPECT_EQ(sched::pi_propagate(ops, &high), 1);
  EXPECT_EQ(low.rank, 200);
  // The waiter leaves (timeout): re-derive the owner.
  unblock(&high);
  ops.set_rank(&low, ops.wanted_rank(&low));
  EXPECT_EQ(low.rank, 10);
}

TEST(Pi, FairOwnerIsLiftedIntoRt) {
  Ops ops;
  T fair_owner = thread(sched::kFairRank), rt_waiter = thread(3);
  M m;
  take(&fair_owner, &m);
  block(&rt_waiter, &m);
  sched::pi_propagate(ops, &rt_waiter);
  EXPECT_EQ(fair_owner.rank, 3);
  // A fair waiter never boosts anyone.
  T fair_waiter = thread(sched::kFairRank), rt_owner = thread(1);
  M m2;
  take(&rt_owner, &m2);
  block(&fair_waiter, &m2);
  EXPECT_EQ(sched::pi_propagate(ops, &fair_waiter), 0);
  EXPECT_EQ(rt_owner.rank, 1);
}

TEST(Pi, TransitiveChainOfThree) {
  Ops ops;
  T a = thread(10), b = thread(20), h = thread(150);
  M m1, m2;
  take(&a, &m1);
  take(&b, &m2);
  block(&b, &m1);  // b waits for a
  sched::pi_propagate(ops, &b);
  EXPECT_EQ(a.rank, 20);
  block(&h, &m2);  // h waits for b, which waits for a
  EXPECT_EQ(sched::pi_propagate(ops, &h), 2);
  EXPECT_EQ(b.rank, 150);
  EXPECT_EQ(a.rank, 150);
  // h gives up: both drop back (b to its base, a to b's base through m1).
  unblock(&h);
  ops.set_rank(&b, ops.wanted_rank(&b));
  sched::pi_propagate(ops, &b);
  EXPECT_EQ(b.rank, 20);
  EXPECT_EQ(a.rank, 20);
}

TEST(Pi, OwnerKeepsMaxOverAllHeldMutexes) {
  Ops ops;
  T o = thread(10), w1 = thread(50), w2 = thread(80);
  M m1, m2;
  take(&o, &m1);
  take(&o, &m2);
  block(&w1, &m1);
  block(&w2, &m2);
  sched::pi_propagate(ops, &w1);
  sched::pi_propagate(ops, &w2);
  EXPECT_EQ(o.rank, 80);
  // Releasing m2 (handed to w2) leaves the boost from m1.
  unblock(&w2);
  o.held.erase(std::find(o.held.begin(), o.held.end(), &m2));
  ops.set_rank(&o, ops.wanted_rank(&o));
  EXPECT_EQ(o.rank, 50);
}

TEST(Pi, NonInheritingMutexStopsTheChain) {
  Ops ops;
  T a = thread(10), b = thread(20), h = thread(150);
  M m1, m2;
  m1.inherit = false;
  take(&a, &m1);
  take(&b, &m2);
  block(&b, &m1);
  block(&h, &m2);
  sched::pi_propagate(ops, &h);
  EXPECT_EQ(b.rank, 150);
  EXPECT_EQ(a.rank, 10);
}

TEST(Pi, PropagationStopsWhenNothingChanges) {
  Ops ops;
  T a = thread(100), b = thread(20), h = thread(50);
  M m1, m2;
  take(&a, &m1);
  take(&b, &m2);
  block(&b, &m1);
  block(&h, &m2);
  EXPECT_EQ(sched::pi_propagate(ops, &h), 1);  // b to 50; a at 100 already higher
  EXPECT_EQ(a.rank, 100);
}

TEST(Pi, DeadlockDetectedAcrossChain) {
  Ops ops;
  T a = thread(10), b = thread(20), c = thread(30);
  M m1, m2, m3;
  take(&a, &m1);
  take(&b, &m2);
  take(&c, &m3);
  block(&a, &m2);  // a -> b
  block(&b, &m3);  // b -> c
  // c blocking on m1 (owned by a) would close a -> b -> c -> a.
  EXPECT_TRUE(sched::pi_would_deadlock(ops, &c, m1.owner));
  T d = thread(5);
  EXPECT_FALSE(sched::pi_would_deadlock(ops, &d, m1.owner));
  // Self-deadlock: waiting on a mutex one owns.
  EXPECT_TRUE(sched::pi_would_deadlock(ops, &a, m1.owner));
}

TEST(Pi, ChainLongerThanTheBoundIsRefusedAndWalkIsBounded) {
  Ops ops;
  constexpr int kLen = sched::kPiMaxDepth + 4;
  std::vector<T> ts;
  for (int i = 0; i < kLen; ++i) ts.push_back(thread(1));
  std::vector<M> ms(kLen);
  for (int i = 0; i < kLen; ++i) take(&ts[i], &ms[i]);
  for (int i = 0; i + 1 < kLen; ++i) block(&ts[i], &ms[i + 1]);  // i waits for i+1
  T h = thread(200);
  EXPECT_TRUE(sched::pi_would_deadlock(ops, &h, ms[0].owner));
  EXPECT_FALSE(sched::pi_would_deadlock(ops, &h, ms[0].owner, kLen + 1));
  block(&h, &ms[0]);
  EXPECT_EQ(sched::pi_propagate(ops, &h), sched::kPiMaxDepth);
  EXPECT_EQ(ts[sched::kPiMaxDepth - 1].rank, 200);
  EXPECT_EQ(ts[sched::kPiMaxDepth].rank, 1);
}
