// CPU affinity masks and the load-balancing decisions (which CPU a waking
// thread goes to, which CPU an idle one pulls from). Portable: the kernel
// fills a snapshot of per-CPU load and asks; host tests do the same.
#pragma once

#include <cstdint>
#include <span>

namespace sched {

using CpuMask = std::uint64_t;  // bit i: CPU i allowed
inline constexpr CpuMask kAllCpus = ~CpuMask{0};
constexpr CpuMask cpu_bit(unsigned cpu) { return cpu < 64 ? CpuMask{1} << cpu : 0; }
constexpr bool cpu_allowed(CpuMask m, unsigned cpu) { return (m & cpu_bit(cpu)) != 0; }

// One CPU as seen (racily) by the balancer.
struct CpuLoad {
  bool online = false;
  unsigned nr_running = 0;  // queued + running non-idle threads
  int current_rank = -2;    // running thread's rank (see pi.hpp); -2 = idle
};

// Where a waking thread of `rank` runs. Its previous CPU if allowed and
// idle (cache-warm); else an idle allowed CPU; else the previous CPU if the
// thread would preempt there; else the least loaded allowed CPU (ties keep
// the previous one). -1 if no allowed CPU is online.
int select_wake_cpu(std::span<const CpuLoad> cpus, CpuMask allowed, int prev, int rank);

// The CPU an idle `self` should pull from: the most loaded other CPU with at
// least one queued (not running) thread, i.e. nr_running >= 2. -1 if none.
int find_busiest(std::span<const CpuLoad> cpus, unsigned self);

// An idle online CPU in `allowed` other than `except`, to kick so that it
// pulls work; -1 if none.
int find_idle(std::span<const CpuLoad> cpus, CpuMask allowed, int except);

}  // namespace sched
