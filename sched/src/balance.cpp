// Load-balancing decisions over a snapshot of per-CPU load.
#include <sched/balance.hpp>

namespace sched {

int select_wake_cpu(std::span<const CpuLoad> cpus, CpuMask allowed, int prev, int rank) {
  const int n = static_cast<int>(cpus.size());
  auto ok = [&](int i) {
    return i >= 0 && i < n && cpus[i].online && cpu_allowed(allowed, static_cast<unsigned>(i));
  };
  if (ok(prev) && cpus[prev].nr_running == 0) return prev;
  for (int i = 0; i < n; ++i)
    if (ok(i) && cpus[i].nr_running == 0) return i;
  if (ok(prev) && rank > cpus[prev].current_rank) return prev;
  int best = ok(prev) ? prev : -1;
  for (int i = 0; i < n; ++i) {
    if (!ok(i)) continue;
    if (best < 0 || cpus[i].nr_running < cpus[best].nr_running) best = i;
  }
  return best;
}

int find_busiest(std::span<const CpuLoad> cpus, unsigned self) {
  int best = -1;
  for (unsigned i = 0; i < cpus.size(); ++i) {
    if (i == self || !cpus[i].online || cpus[i].nr_running < 2) continue;
    if (best < 0 || cpus[i].nr_running > cpus[static_cast<unsigned>(best)].nr_running)
      best = static_cast<int>(i);
  }
  return best;
}

int find_idle(std::span<const CpuLoad> cpus, CpuMask allowed, int except) {
  for (unsigned i = 0; i < cpus.size(); ++i) {
    if (static_cast<int>(i) == except || !cpus[i].online || !cpu_allowed(allowed, i)) continue;
    if (cpus[i].nr_running == 0) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace sched
