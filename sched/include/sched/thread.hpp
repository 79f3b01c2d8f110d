// sched::Thread: the one type for everything that runs (kernel workers,
// idle, later Vela tasks and Linux threads, which differ by scheduling class
// and attached personality object only).
#pragma once

#include <hal/context.hpp>
#include <sched/balance.hpp>
#include <sched/run_queue.hpp>
#include <sched/timer_queue.hpp>
#include <sched/wait.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace sched {

enum class ThreadState : std::uint8_t { Runnable, Running, Blocked, Dead };
enum class WakeReason : std::uint8_t { None, Woken, TimedOut };

inline constexpr int kDefaultPriority = 128;
inline constexpr std::size_t kThreadNameMax = 24;

struct Thread {
  hal::Context ctx;
  // Effective policy/priority, run-queue link, RR slice, vruntime. Changed
  // under cpus[cpu].lock (and the wait queue's lock while blocked on one).
  SchedEntity se;
  std::atomic<ThreadState> state{ThreadState::Runnable};  // changed under cpus[cpu].lock
  unsigned id = 0;
  // The CPU whose lock guards this thread. Changes (migration) only with
  // both the old and the new CPU's locks held, and only while the thread is
  // not on a CPU (on_cpu false), so holding cpus[cpu].lock pins it.
  std::atomic<unsigned> cpu{0};
  CpuMask affinity = kAllCpus;  // under cpus[cpu].lock
  bool is_idle = false;
  char name[kThreadNameMax] = {};

  // What the thread asked for; priority inheritance may run it higher (se).
  Policy base_policy = Policy::RoundRobin;
  std::uint8_t base_priority = 0;  // RT classes
  std::int8_t nice = 0;            // fair class

  int preempt_count = 0;            // >0: not preempted nor migrated (sched_lock)
  std::atomic<bool> on_cpu{false};  // its stack is in use (until switched out)
  WakeReason wake_reason = WakeReason::None;

  // WaitQueue membership (guarded by that queue's lock), in rank order.
  Thread* wait_next = nullptr;
  Thread* wait_prev = nullptr;
  std::atomic<WaitQueue*> waiting_on{nullptr};
  Timer timer;             // sleep_ns and wait timeouts, queued on cpus[timer_cpu]
  unsigned timer_cpu = 0;  // set when armed (the thread runs there then)

  // Priority inheritance (guarded by the global PI lock).
  Mutex* blocked_on = nullptr;  // the mutex this thread sleeps on
  Mutex* held = nullptr;        // mutexes it owns, through Mutex::held_next_

  Thread* migrate_next = nullptr;  // PerCpu::migrate_head list

  hal::ThreadEntry entry = nullptr;
  void* entry_arg = nullptr;
  std::uintptr_t stack_base = 0;  // lowest usable byte (guard page below); 0 = not owned
  std::size_t stack_size = 0;

  std::uint64_t runtime_ns = 0;
  std::uint64_t switches_in = 0;
  std::uint64_t migrations = 0;
  int exit_code = 0;
  WaitQueue exit_waiters;
  std::atomic<int> release_refs{2};  // the exit path and join/detach; the last one frees

  Thread* all_next = nullptr;  // global thread list (for_each_thread)
  Thread* all_prev = nullptr;
};

const char* state_name(ThreadState s);
const char* policy_name(Policy p);

}  // namespace sched
