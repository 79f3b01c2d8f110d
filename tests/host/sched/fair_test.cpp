// Fair class policy: weights, vruntime ordering, sleeper placement, RT over
// fair, slices among fair threads, and CPU shares by weight in a simulation.
#include <gtest/gtest.h>
#include <sched/run_queue.hpp>

#include <vector>

using sched::Policy;
using sched::RunQueue;
using sched::SchedEntity;

namespace {

SchedEntity fair(int nice = 0) {
  SchedEntity e;
  e.policy = Policy::Fair;
  e.weight = sched::nice_to_weight(nice);
  return e;
}

SchedEntity rt(int prio) {
  SchedEntity e;
  e.policy = Policy::Fifo;
  e.priority = static_cast<std::uint8_t>(prio);
  return e;
}

// Runs `es` on one CPU for `total_ns` in `tick_ns` steps the way the kernel
// does (charge, requeue when told), returning each one's CPU time.
std::vector<std::uint64_t> simulate(RunQueue& rq, std::vector<SchedEntity*> es,
                                    std::uint64_t total_ns, std::uint64_t tick_ns) {
  std::vector<std::uint64_t> got(es.size(), 0);
  for (auto* e : es) rq.enqueue_tail(e);
  SchedEntity* cur = rq.pop();
  for (std::uint64_t t = 0; t < total_ns; t += tick_ns) {
    for (std::size_t i = 0; i < es.size(); ++i)
      if (es[i] == cur) got[i] += tick_ns;
    if (rq.charge(cur, tick_ns)) {
      rq.requeue_preempted(cur);
      cur = rq.pop();
    }
    EXPECT_TRUE(rq.check_invariants());
  }
  return got;
}

}  // namespace

TEST(Fair, NiceWeightsAreMonotonicAndAnchoredAtNice0) {
  EXPECT_EQ(sched::nice_to_weight(0), 1024u);
  for (int n = sched::kMinNice; n < sched::kMaxNice; ++n)
    EXPECT_GT(sched::nice_to_weight(n), sched::nice_to_weight(n + 1));
  EXPECT_EQ(sched::nice_to_weight(-100), sched::nice_to_weight(-20));  // clamped
  EXPECT_EQ(sched::nice_to_weight(100), sched::nice_to_weight(19));
  // One step is ~1.25x.
  const double r = double(sched::nice_to_weight(0)) / sched::nice_to_weight(1);
  EXPECT_NEAR(r, 1.25, 0.01);
}

TEST(Fair, PicksSmallestVruntimeFifoAmongEquals) {
  RunQueue rq;
  SchedEntity a = fair(), b = fair(), c = fair();
  a.placed = b.placed = c.placed = true;
  a.vruntime = 300;
  b.vruntime = 100;
  c.vruntime = 300;
  rq.enqueue_tail(&a);
  rq.enqueue_tail(&b);
  rq.enqueue_tail(&c);
  EXPECT_TRUE(rq.check_invariants());
  EXPECT_EQ(rq.fair_count(), 3u);
  EXPECT_EQ(rq.highest_priority(), -1);  // no RT thread queued
  EXPECT_EQ(rq.pop(), &b);
  EXPECT_EQ(rq.pop(), &a);
  EXPECT_EQ(rq.pop(), &c);
  EXPECT_TRUE(rq.empty());
}

TEST(Fair, AnyRtThreadBeatsFair) {
  RunQueue rq;
  SchedEntity f = fair(-20), low = rt(0);
  rq.enqueue_tail(&f);
  rq.enqueue_tail(&low);
  EXPECT_EQ(rq.pop(), &low);
  EXPECT_EQ(rq.pop(), &f);
  SchedEntity cur = fair();
  cur.vruntime = 1'000'000'000;
  EXPECT_TRUE(RunQueue::should_preempt(&cur, low));
  EXPECT_FALSE(RunQueue::should_preempt(&low, cur));
  // A running fair thread is told to reschedule as soon as RT work queues.
  rq.enqueue_tail(&low);
  EXPECT_TRUE(rq.charge(&cur, 0));
}

TEST(Fair, VruntimeAdvancesInverselyToWeight) {
  RunQueue rq;
  SchedEntity heavy = fair(-5), light = fair(5), mid = fair(0);
  rq.charge(&heavy, 1'000'000);
  rq.charge(&light, 1'000'000);
  rq.charge(&mid, 1'000'000);
  EXPECT_EQ(mid.vruntime, 1'000'000u);
  EXPECT_LT(heavy.vruntime, mid.vruntime);
  EXPECT_GT(light.vruntime, mid.vruntime);
}

TEST(Fair, NewThreadStartsAtFloorAndSleeperGetsOnlySmallCredit) {
  RunQueue rq;
  SchedEntity runner = fair();
  rq.enqueue_tail(&runner);
  ASSERT_EQ(rq.pop(), &runner);
  // The runner accumulates 1 s of vruntime; the floor follows it.
  for (int i = 0; i < 1000; ++i) rq.charge(&runner, 1'000'000);
  EXPECT_GE(rq.min_vruntime(), 999'000'000u);
  SchedEntity fresh = fair();
  rq.enqueue_tail(&fresh);
  EXPECT_EQ(fresh.vruntime, rq.min_vruntime());
  rq.dequeue(&fresh);
  // A sleeper that last ran at vruntime 0 is placed just below the floor,
  // not a whole second behind (which would starve the runner).
  SchedEntity sleeper = fair();
  sleeper.placed = true;
  sleeper.vruntime = 0;
  rq.enqueue_tail(&sleeper);
  EXPECT_EQ(sleeper.vruntime, rq.min_vruntime() - sched::kFairSleeperCreditNs);
  // It preempts the runner (it is ahead by more than the granularity)...
  EXPECT_TRUE(RunQueue::should_preempt(&runner, sleeper));
  // ...but a thread only slightly ahead does not.
  SchedEntity close = fair();
  close.vruntime = runner.vruntime - sched::kFairWakeupGranNs / 2;
  EXPECT_FALSE(RunQueue::should_preempt(&runner, close));
}

TEST(Fair, EqualWeightsShareEvenly) {
  RunQueue rq;
  SchedEntity a = fair(), b = fair();
  auto got = simulate(rq, {&a, &b}, 2'000'000'000, 100'000);
  const double ratio = double(got[0]) / double(got[1]);
  EXPECT_NEAR(ratio, 1.0, 0.05);
}

TEST(Fair, SharesFollowWeights) {
  RunQueue rq;
  SchedEntity heavy = fair(-5), light = fair(0);  // 3125 vs 1024: ~3.05x
  auto got = simulate(rq, {&heavy, &light}, 4'000'000'000, 100'000);
  const double ratio = double(got[0]) / double(got[1]);
  EXPECT_NEAR(ratio, 3125.0 / 1024.0, 0.3);
}

TEST(Fair, LoneFairThreadNeedsNoTimerPeersDo) {
  RunQueue rq;
  SchedEntity a = fair(), b = fair();
  rq.enqueue_tail(&a);
  SchedEntity* cur = rq.pop();
  EXPECT_FALSE(rq.needs_slice_timer(cur));
  EXPECT_FALSE(rq.charge(cur, 100'000'000));  // alone: keeps running
  rq.enqueue_tail(&b);
  EXPECT_TRUE(rq.needs_slice_timer(cur));
}

TEST(Fair, RebaseKeepsLagAcrossQueues) {
  RunQueue src, dst;
  SchedEntity r1 = fair(), r2 = fair();
  src.enqueue_tail(&r1);
  src.pop();
  src.charge(&r1, 50'000'000);
  dst.enqueue_tail(&r2);
  dst.pop();
  dst.charge(&r2, 10'000'000);
  SchedEntity m = fair();
  m.placed = true;
  m.vruntime = src.min_vruntime() + 1000;
  RunQueue::rebase_vruntime(&m, src, dst);
  EXPECT_EQ(m.vruntime, dst.min_vruntime() + 1000);
}

TEST(Fair, FindVisitsRtThenFair) {
  RunQueue rq;
  SchedEntity f = fair(), r = rt(7);
  rq.enqueue_tail(&f);
  rq.enqueue_tail(&r);
  std::vector<SchedEntity*> seen;
  EXPECT_EQ(rq.find([&](SchedEntity* e) {
    seen.push_back(e);
    return false;
  }),
            nullptr);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], &r);
  EXPECT_EQ(seen[1], &f);
  EXPECT_EQ(rq.find([&](SchedEntity* e) { return e == &f; }), &f);
}
