// Per-CPU scheduler state, reached through hal::cpu_local(). Each CPU owns
// its run queue and timer queue; other CPUs touch them only under `lock`
// (remote wake-up, migration, idle pull), then send a Reschedule IPI.
#pragma once

#include <klib/spinlock.hpp>
#include <sched/run_queue.hpp>
#include <sched/thread.hpp>
#include <sched/timer_queue.hpp>

#include <atomic>
#include <cstdint>

namespace sched {

// Boards without SMP (FUSION_CONFIG_SMP=0) keep one slot in every per-CPU
// array; host tests and SMP boards have eight.
#if defined(FUSION_CONFIG_SMP) && !FUSION_CONFIG_SMP
inline constexpr unsigned kMaxCpus = 1;
#else
inline constexpr unsigned kMaxCpus = 8;
#endif

struct PerCpu {
  unsigned index = 0;
  bool online = false;
  Thread* current = nullptr;  // changed only by this CPU, under lock
  Thread* idle = nullptr;
  Thread* prev = nullptr;  // switched away from; its on_cpu is cleared by the next thread
  klib::SpinLockIrq lock;  // rq, timers, states of threads with cpu == index
  RunQueue rq;
  TimerQueue timers;
  Timer* running_timer = nullptr;  // callback in progress (under lock), for cancel_sync
  // Runnable threads this CPU must hand to another (affinity), not queued
  // anywhere; drained by this CPU once they are off its stack.
  Thread* migrate_head = nullptr;
  std::atomic<bool> need_resched{false};
  std::uint64_t last_account_ns = 0;  // runtime and RR slices are charged from here

  // Load, for the balancer's lock-free snapshots (written under lock).
  std::atomic<unsigned> nr_running{0};     // queued + running non-idle
  std::atomic<int> current_rank{-2};       // kIdleRank when idle
  std::atomic<unsigned> nr_migratable{0};  // queued threads allowed elsewhere too

  // Statistics (monitor, KTEST).
  std::atomic<std::uint64_t> context_switches{0};
  std::atomic<std::uint64_t> ipis_received{0};
  std::atomic<std::uint64_t> ipis_sent{0};  // by anyone, to this CPU
  std::atomic<std::uint64_t> timer_irqs{0};
  std::atomic<std::uint64_t> idle_wakeups{0};
  std::atomic<std::uint64_t> pulls{0};  // threads taken from other CPUs while idle
};

// This CPU's block; nullptr before init_boot_cpu / init_secondary_cpu.
inline PerCpu* this_cpu() { return static_cast<PerCpu*>(hal::cpu_local()); }
// Any CPU's block, or nullptr if it never came online.
PerCpu* cpu(unsigned index);

}  // namespace sched
