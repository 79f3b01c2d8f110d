// TimerQueue: deadline order, FIFO ties, cancel, expire-up-to(now),
// callbacks that re-arm or cancel, and random traffic against a sort.
#include <gtest/gtest.h>
#include <sched/timer_queue.hpp>

#include <algorithm>
#include <random>
#include <vector>

using sched::Timer;
using sched::TimerQueue;

namespace {

struct Probe {
  Timer timer;
  int id = 0;
  std::vector<int>* log = nullptr;
};

void record(Timer*, void* arg) {
  auto* p = static_cast<Probe*>(arg);
  p->log->push_back(p->id);
}

void init(Probe& p, int id, std::vector<int>* log) {
  p.id = id;
  p.log = log;
  p.timer.callback = record;
  p.timer.arg = &p;
}

}  // namespace

TEST(TimerQueue, FiresInDeadlineOrderUpToNow) {
  TimerQueue q;
  std::vector<int> log;
  Probe p[5];
  const std::uint64_t deadlines[] = {50, 10, 40, 20, 30};
  for (int i = 0; i < 5; ++i) {
    init(p[i], i, &log);
    q.add(&p[i].timer, deadlines[i]);
  }
  EXPECT_EQ(q.size(), 5u);
  EXPECT_EQ(q.next_deadline(), std::optional<std::uint64_t>(10));
  EXPECT_EQ(q.expire(9), 0u);
  EXPECT_EQ(q.expire(30), 3u);  // deadline == now fires
  EXPECT_EQ(log, (std::vector<int>{1, 3, 4}));
  EXPECT_EQ(q.next_deadline(), std::optional<std::uint64_t>(40));
  EXPECT_EQ(q.expire(1000), 2u);
  EXPECT_EQ(log, (std::vector<int>{1, 3, 4, 2, 0}));
  EXPECT_FALSE(q.next_deadline().has_value());
  EXPECT_TRUE(q.empty());
  for (auto& x : p) EXPECT_FALSE(x.timer.pending());
}

TEST(TimerQueue, TiesFireInInsertionOrder) {
  TimerQueue q;
  std::vector<int> log;
  Probe p[4];
  for (int i = 0; i < 4; ++i) init(p[i], i, &log);
  q.add(&p[2].timer, 100);
  q.add(&p[0].timer, 100);
  q.add(&p[3].timer, 50);
  q.add(&p[1].timer, 100);
  q.expire(100);
  EXPECT_EQ(log, (std::vector<int>{3, 2, 0, 1}));
}

TEST(TimerQueue, AddReportsNewEarliest) {
  TimerQueue q;
  Timer a, b, c;
  EXPECT_TRUE(q.add(&a, 100));
  EXPECT_FALSE(q.add(&b, 200));
  EXPECT_FALSE(q.add(&c, 100));  // tie with the head: not earlier
  EXPECT_TRUE(q.add(&b, 5));     // re-add moves it
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.next_deadline(), std::optional<std::uint64_t>(5));
}

TEST(TimerQueue, CancelRemovesAndReportsPending) {
  TimerQueue q;
  std::vector<int> log;
  Probe p[3];
  for (int i = 0; i < 3; ++i) {
    init(p[i], i, &log);
    q.add(&p[i].timer, 10 * (i + 1));
  }
  EXPECT_TRUE(q.cancel(&p[0].timer));
  EXPECT_FALSE(q.cancel(&p[0].timer));
  EXPECT_EQ(q.next_deadline(), std::optional<std::uint64_t>(20));
  EXPECT_TRUE(q.cancel(&p[2].timer));
  q.expire(100);
  EXPECT_EQ(log, (std::vector<int>{1}));
  EXPECT_FALSE(q.cancel(&p[1].timer));  // already fired
}

namespace {
struct Rearm {
  Timer timer;
  TimerQueue* q;
  int fired = 0;
};
void rearm_in_past(Timer* t, void* arg) {
  auto* r = static_cast<Rearm*>(arg);
  ++r->fired;
  r->q->add(t, 0);  // already due: must wait for the next expire, not loop
}
struct Canceller {
  Timer timer;
  TimerQueue* q;
  Timer* victim;
};
void cancel_other(Timer*, void* arg) {
  auto* c = static_cast<Canceller*>(arg);
  EXPECT_TRUE(c->q->cancel(c->victim));
}
}  // namespace

TEST(TimerQueue, CallbackMayRearmWithoutLooping) {
  TimerQueue q;
  Rearm r{{}, &q};
  r.timer.callback = rearm_in_past;
  r.timer.arg = &r;
  q.add(&r.timer, 10);
  EXPECT_EQ(q.expire(10), 1u);
  EXPECT_EQ(r.fired, 1);
  EXPECT_TRUE(r.timer.pending());
  EXPECT_EQ(q.expire(10), 1u);
  EXPECT_EQ(r.fired, 2);
}

TEST(TimerQueue, CallbackMayCancelAnotherDueTimer) {
  TimerQueue q;
  std::vector<int> log;
  Probe victim;
  init(victim, 7, &log);
  Canceller c{{}, &q, &victim.timer};
  c.timer.callback = cancel_other;
  c.timer.arg = &c;
  q.add(&c.timer, 1);
  q.add(&victim.timer, 2);
  EXPECT_EQ(q.expire(5), 1u);
  EXPECT_TRUE(log.empty());
  EXPECT_FALSE(victim.timer.pending());
}

TEST(TimerQueue, PopExpiredHandsOutDueTimersInOrder) {
  TimerQueue q;
  Timer a, b, c;
  q.add(&b, 20);
  q.add(&a, 10);
  q.add(&c, 30);
  EXPECT_EQ(q.pop_expired(25), &a);
  EXPECT_EQ(q.pop_expired(25), &b);
  EXPECT_EQ(q.pop_expired(25), nullptr);
  EXPECT_FALSE(a.pending());
  EXPECT_TRUE(c.pending());
  EXPECT_EQ(q.size(), 1u);
}

TEST(TimerQueue, RandomTrafficMatchesStableSort) {
  std::mt19937_64 rng(99);
  TimerQueue q;
  std::vector<int> log;
  std::vector<Probe> probes(300);
  for (int i = 0; i < 300; ++i) init(probes[i], i, &log);
  struct Ref {
    std::uint64_t deadline;
    std::uint64_t seq;
    int id;
  };
  std::vector<Ref> ref;
  std::uint64_t seq = 0, now = 0;
  for (int round = 0; round < 2000; ++round) {
    for (int k = 0; k < 5; ++k) {
      Probe& p = probes[rng() % probes.size()];
      auto it = std::find_if(ref.begin(), ref.end(), [&](const Ref& r) { return r.id == p.id; });
      if (rng() % 4 == 0) {
        EXPECT_EQ(q.cancel(&p.timer), it != ref.end());
        if (it != ref.end()) ref.erase(it);
      } else {
        const std::uint64_t d = now + rng() % 50;
        q.add(&p.timer, d);
        if (it != ref.end()) ref.erase(it);
        ref.push_back({d, seq++, p.id});
      }
    }
    now += rng() % 20;
    std::stable_sort(ref.begin(), ref.end(), [](const Ref& a, const Ref& b) {
      return a.deadline != b.deadline ? a.deadline < b.deadline : a.seq < b.seq;
    });
    std::vector<int> expected;
    while (!ref.empty() && ref.front().deadline <= now) {
      expected.push_back(ref.front().id);
      ref.erase(ref.begin());
    }
    log.clear();
    q.expire(now);
    ASSERT_EQ(log, expected) << "round " << round;
    ASSERT_EQ(q.size(), ref.size());
    if (!ref.empty())
      ASSERT_EQ(q.next_deadline(), std::optional<std::uint64_t>(ref.front().deadline));
  }
}
