// RunQueue policy: priority order, FIFO among equals, RR rotation, preemption
// decisions, and the bitmap against a reference model under random traffic.
#include <gtest/gtest.h>
#include <sched/run_queue.hpp>

#include <algorithm>
#include <deque>
#include <map>
#include <random>
#include <vector>

using sched::Policy;
using sched::RunQueue;
using sched::SchedEntity;

namespace {

SchedEntity make(int prio, Policy pol = Policy::RoundRobin) {
  SchedEntity e;
  e.priority = static_cast<std::uint8_t>(prio);
  e.policy = pol;
  return e;
}

}  // namespace

TEST(RunQueue, EmptyQueue) {
  RunQueue rq;
  EXPECT_TRUE(rq.empty());
  EXPECT_EQ(rq.highest_priority(), -1);
  EXPECT_EQ(rq.peek(), nullptr);
  EXPECT_EQ(rq.pop(), nullptr);
  EXPECT_TRUE(rq.check_invariants());
}

TEST(RunQueue, PicksHighestPriorityAcrossAllWords) {
  RunQueue rq;
  std::vector<SchedEntity> es;
  const int prios[] = {0, 255, 63, 64, 127, 128, 1, 200, 191, 192};
  for (int p : prios) es.push_back(make(p));
  for (auto& e : es) rq.enqueue_tail(&e);
  ASSERT_TRUE(rq.check_invariants());
  std::vector<int> sorted(std::begin(prios), std::end(prios));
  std::sort(sorted.rbegin(), sorted.rend());
  for (int expected : sorted) {
    EXPECT_EQ(rq.highest_priority(), expected);
    SchedEntity* e = rq.pop();
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->priority, expected);
    EXPECT_FALSE(e->queued);
    EXPECT_TRUE(rq.check_invariants());
  }
  EXPECT_TRUE(rq.empty());
}

TEST(RunQueue, FifoAmongEqualsAndHeadInsertion) {
  RunQueue rq;
  SchedEntity a = make(10), b = make(10), c = make(10), d = make(10);
  rq.enqueue_tail(&a);
  rq.enqueue_tail(&b);
  rq.enqueue_tail(&c);
  rq.enqueue_head(&d);
  EXPECT_EQ(rq.count_at(10), 4u);
  EXPECT_EQ(rq.pop(), &d);
  EXPECT_EQ(rq.pop(), &a);
  EXPECT_EQ(rq.pop(), &b);
  EXPECT_EQ(rq.pop(), &c);
}

TEST(RunQueue, DequeueFromMiddleKeepsBitmap) {
  RunQueue rq;
  SchedEntity a = make(5), b = make(70), c = make(70);
  rq.enqueue_tail(&a);
  rq.enqueue_tail(&b);
  rq.enqueue_tail(&c);
  rq.dequeue(&b);
  EXPECT_EQ(rq.highest_priority(), 70);
  rq.dequeue(&c);
  EXPECT_EQ(rq.highest_priority(), 5);
  EXPECT_TRUE(rq.check_invariants());
  EXPECT_EQ(rq.size(), 1u);
}

TEST(RunQueue, RoundRobinRotatesAfterSliceExpiry) {
  RunQueue rq(1000);
  SchedEntity a = make(20), b = make(20), c = make(20);
  rq.enqueue_tail(&a);
  rq.enqueue_tail(&b);
  rq.enqueue_tail(&c);
  std::vector<SchedEntity*> order;
  SchedEntity* cur = rq.pop();
  for (int i = 0; i < 6; ++i) {
    order.push_back(cur);
    EXPECT_TRUE(rq.needs_slice_timer(cur));
    EXPECT_FALSE(rq.charge(cur, 400));  // slice not used up yet
    EXPECT_FALSE(rq.charge(cur, 599));
    EXPECT_TRUE(rq.charge(cur, 1));  // exactly the slice: rotate
    rq.requeue_preempted(cur);       // exhausted -> tail with a fresh slice
    EXPECT_EQ(cur->slice_left_ns, 1000u);
    cur = rq.pop();
  }
  std::vector<SchedEntity*> expected = {&a, &b, &c, &a, &b, &c};
  EXPECT_EQ(order, expected);
}

TEST(RunQueue, LoneRoundRobinThreadKeepsRunningAndNeedsNoTimer) {
  RunQueue rq(1000);
  SchedEntity a = make(20), low = make(3);
  rq.enqueue_tail(&low);
  rq.enqueue_tail(&a);
  SchedEntity* cur = rq.pop();
  ASSERT_EQ(cur, &a);
  EXPECT_FALSE(rq.needs_slice_timer(cur));  // tickless: nobody to rotate with
  EXPECT_FALSE(rq.charge(cur, 5000));
  EXPECT_EQ(cur->slice_left_ns, 1000u);  // refilled
}

TEST(RunQueue, FifoThreadIsNeverSlicedButPreemptedByHigher) {
  RunQueue rq(1000);
  SchedEntity f = make(30, Policy::Fifo), peer = make(30, Policy::Fifo);
  SchedEntity hi = make(31, Policy::Fifo);
  rq.enqueue_tail(&f);
  rq.enqueue_tail(&peer);
  SchedEntity* cur = rq.pop();
  ASSERT_EQ(cur, &f);
  EXPECT_FALSE(rq.needs_slice_timer(cur));
  EXPECT_FALSE(rq.charge(cur, 1'000'000));
  rq.enqueue_tail(&hi);
  EXPECT_TRUE(RunQueue::should_preempt(cur, hi));
  EXPECT_TRUE(rq.charge(cur, 0));
  // Preempted FIFO thread goes back to the head: it runs before its peer.
  rq.requeue_preempted(cur);
  EXPECT_EQ(rq.pop(), &hi);
  EXPECT_EQ(rq.pop(), &f);
  EXPECT_EQ(rq.pop(), &peer);
}

TEST(RunQueue, PreemptedRoundRobinWithSliceLeftGoesToHead) {
  RunQueue rq(1000);
  SchedEntity a = make(20), b = make(20), hi = make(90);
  rq.enqueue_tail(&a);
  rq.enqueue_tail(&b);
  SchedEntity* cur = rq.pop();
  EXPECT_FALSE(rq.charge(cur, 300));
  rq.enqueue_tail(&hi);
  EXPECT_TRUE(rq.charge(cur, 0));
  rq.requeue_preempted(cur);
  EXPECT_EQ(cur->slice_left_ns, 700u);  // keeps the rest of its slice
  EXPECT_EQ(rq.pop(), &hi);
  EXPECT_EQ(rq.pop(), &a);
  EXPECT_EQ(rq.pop(), &b);
}

TEST(RunQueue, ShouldPreemptOnlyForStrictlyHigher) {
  SchedEntity cur = make(100), same = make(100), lower = make(99), higher = make(101);
  EXPECT_FALSE(RunQueue::should_preempt(&cur, same));
  EXPECT_FALSE(RunQueue::should_preempt(&cur, lower));
  EXPECT_TRUE(RunQueue::should_preempt(&cur, higher));
  EXPECT_TRUE(RunQueue::should_preempt(nullptr, lower));  // idle CPU
  SchedEntity zero = make(0);
  EXPECT_TRUE(RunQueue::should_preempt(nullptr, zero));
}

// Random enqueue (head or tail) / dequeue / pop against std::map<prio, deque>.
TEST(RunQueue, RandomTrafficMatchesReferenceModel) {
  std::mt19937 rng(12345);
  RunQueue rq;
  std::vector<SchedEntity> pool(512);
  std::map<int, std::deque<SchedEntity*>> model;
  std::vector<SchedEntity*> queued;
  for (int step = 0; step < 200000; ++step) {
    const int op = static_cast<int>(rng() % 4);
    if (op <= 1) {
      SchedEntity* e = &pool[rng() % pool.size()];
      if (e->queued) continue;
      e->priority = static_cast<std::uint8_t>(rng() % 256);
      if (op == 0) {
        rq.enqueue_tail(e);
        model[e->priority].push_back(e);
      } else {
        rq.enqueue_head(e);
        model[e->priority].push_front(e);
      }
      queued.push_back(e);
    } else if (op == 2 && !queued.empty()) {
      const std::size_t i = rng() % queued.size();
      SchedEntity* e = queued[i];
      queued[i] = queued.back();
      queued.pop_back();
      rq.dequeue(e);
      auto& q = model[e->priority];
      q.erase(std::find(q.begin(), q.end(), e));
      if (q.empty()) model.erase(e->priority);
    } else if (op == 3) {
      SchedEntity* got = rq.pop();
      if (model.empty()) {
        ASSERT_EQ(got, nullptr);
        continue;
      }
      auto top = std::prev(model.end());
      ASSERT_EQ(got, top->second.front()) << "step " << step;
      top->second.pop_front();
      if (top->second.empty()) model.erase(top);
      queued.erase(std::find(queued.begin(), queued.end(), got));
    }
    const int expected_hi = model.empty() ? -1 : std::prev(model.end())->first;
    ASSERT_EQ(rq.highest_priority(), expected_hi) << "step " << step;
    ASSERT_EQ(rq.size(), queued.size());
    if (step % 1000 == 0) ASSERT_TRUE(rq.check_invariants()) << "step " << step;
  }
  EXPECT_TRUE(rq.check_invariants());
}
