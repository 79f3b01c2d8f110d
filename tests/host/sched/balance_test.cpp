// Affinity masks and the balancer's choices: wake-up CPU, busiest CPU to
// pull from, idle CPU to kick.
#include <gtest/gtest.h>
#include <sched/balance.hpp>

#include <vector>

using sched::CpuLoad;

namespace {
CpuLoad busy(unsigned n, int rank = 100) { return {true, n, rank}; }
CpuLoad idle() { return {true, 0, -2}; }
CpuLoad offline() { return {false, 0, -2}; }
}  // namespace

TEST(Balance, MaskHelpers) {
  EXPECT_TRUE(sched::cpu_allowed(sched::kAllCpus, 7));
  EXPECT_TRUE(sched::cpu_allowed(sched::cpu_bit(3), 3));
  EXPECT_FALSE(sched::cpu_allowed(sched::cpu_bit(3), 2));
  EXPECT_EQ(sched::cpu_bit(64), 0u);
}

TEST(Balance, WakeOnIdlePreviousCpu) {
  std::vector<CpuLoad> c = {idle(), idle(), busy(1)};
  EXPECT_EQ(sched::select_wake_cpu(c, sched::kAllCpus, 1, 50), 1);
}

TEST(Balance, WakeOnAnotherIdleCpuWhenPreviousBusy) {
  std::vector<CpuLoad> c = {busy(2), busy(1), idle(), idle()};
  EXPECT_EQ(sched::select_wake_cpu(c, sched::kAllCpus, 0, 50), 2);
  // ...but only an allowed one.
  EXPECT_EQ(sched::select_wake_cpu(c, sched::cpu_bit(0) | sched::cpu_bit(3), 0, 50), 3);
}

TEST(Balance, WakeStaysWhereItPreemptsElseLeastLoaded) {
  std::vector<CpuLoad> c = {busy(3, 10), busy(1, 200), busy(2, 200)};
  EXPECT_EQ(sched::select_wake_cpu(c, sched::kAllCpus, 0, 50), 0);  // outranks rank 10
  EXPECT_EQ(sched::select_wake_cpu(c, sched::kAllCpus, 2, 50), 1);  // least loaded
  EXPECT_EQ(sched::select_wake_cpu(c, sched::cpu_bit(2), 0, 50), 2);
  // Ties keep the previous CPU.
  std::vector<CpuLoad> t = {busy(1, 200), busy(1, 200)};
  EXPECT_EQ(sched::select_wake_cpu(t, sched::kAllCpus, 1, 50), 1);
}

TEST(Balance, WakeWithNoAllowedOnlineCpu) {
  std::vector<CpuLoad> c = {busy(1), offline()};
  EXPECT_EQ(sched::select_wake_cpu(c, sched::cpu_bit(1), 0, 50), -1);
  EXPECT_EQ(sched::select_wake_cpu(c, sched::cpu_bit(5), 0, 50), -1);
}

TEST(Balance, BusiestNeedsAQueuedThread) {
  std::vector<CpuLoad> c = {idle(), busy(1), busy(3), busy(2)};
  EXPECT_EQ(sched::find_busiest(c, 0), 2);
  EXPECT_EQ(sched::find_busiest(c, 2), 3);  // never itself
  std::vector<CpuLoad> none = {idle(), busy(1), busy(1)};
  EXPECT_EQ(sched::find_busiest(none, 0), -1);  // running-only CPUs have nothing to give
}

TEST(Balance, FindIdleRespectsMaskAndExclusion) {
  std::vector<CpuLoad> c = {busy(2), idle(), idle(), offline()};
  EXPECT_EQ(sched::find_idle(c, sched::kAllCpus, 0), 1);
  EXPECT_EQ(sched::find_idle(c, sched::kAllCpus, 1), 2);
  EXPECT_EQ(sched::find_idle(c, sched::cpu_bit(0) | sched::cpu_bit(3), -1), -1);
}
