// /proc files in the formats Linux programs parse (proc(5)): loadavg, and
// the load average itself, which sysinfo(2) reports too.
#include <fs/procfs.hpp>
#include <kernel/process.hpp>
#include <klib/spinlock.hpp>
#include <sched/sched.hpp>

namespace fs {
namespace {

// Linux's fixed-point decay (kernel/sched/loadavg.c): FSHIFT 11, one step
// per 5 s with exp(-5/60), exp(-5/300), exp(-5/900).
constexpr unsigned kFshift = 11;
constexpr std::uint64_t kFixed1 = 1u << kFshift;
constexpr std::uint64_t kExp[3] = {1884, 2014, 2037};
constexpr std::uint64_t kPeriodNs = 5'000'000'000ull;
constexpr unsigned kMaxSteps = 1000;  // past ~80 minutes every average has converged

klib::SpinLockIrq g_lock;
std::uint64_t g_avg[3];
std::uint64_t g_last_ns;

struct Counts {
  unsigned active = 0, threads = 0;
};

// Threads that are running or waiting for a CPU, idle threads aside.
Counts count_threads() {
  Counts c;
  sched::for_each_thread([&c](const sched::ThreadInfo& t) {
    if (__builtin_strcmp(t.policy, "idle") == 0) return;
    ++c.threads;
    if (__builtin_strcmp(t.state, "running") == 0 || __builtin_strcmp(t.state, "runnable") == 0)
      ++c.active;
  });
  return c;
}

}  // namespace

// The averages are advanced when read rather than by a 5 s timer: every
// period since the last read is charged with the number of active threads
// seen now (Linux samples it every period), so a reader sees Linux's curve
// for a load that held steady between reads.
void load_average(std::uint64_t out[3], unsigned* active, unsigned* threads) {
  const Counts c = count_threads();
  const std::uint64_t now = sched::uptime_ns();
  const std::uint64_t sample = std::uint64_t{c.active} * kFixed1;
  klib::SpinGuard g(g_lock);
  std::uint64_t steps = (now - g_last_ns) / kPeriodNs;
  g_last_ns += steps * kPeriodNs;
  if (steps > kMaxSteps) steps = kMaxSteps;
  for (; steps; --steps)
    for (int i = 0; i < 3; ++i)
      g_avg[i] = (g_avg[i] * kExp[i] + sample * (kFixed1 - kExp[i]) + kFixed1 / 2) >> kFshift;
  for (int i = 0; i < 3; ++i) out[i] = g_avg[i] << (16 - kFshift);  // sysinfo's SI_LOAD_SHIFT 16
  if (active) *active = c.active;
  if (threads) *threads = c.threads;
}

namespace {

void loadavg(ProcBuf& out, void*) {
  std::uint64_t avg[3];
  unsigned active = 0, threads = 0;
  load_average(avg, &active, &threads);
  int last_pid = 0;  // the newest process: the highest pid in use
  kernel::for_each_process([&last_pid](const kernel::Process& p) {
    if (p.pid > last_pid) last_pid = p.pid;
  });
  for (int i = 0; i < 3; ++i) {
    const std::uint64_t hundredths = (avg[i] * 100 + (1u << 15)) >> 16;
    out.printf("%llu.%02llu ", static_cast<unsigned long long>(hundredths / 100),
               static_cast<unsigned long long>(hundredths % 100));
  }
  out.printf("%u/%u %d\n", active, threads, last_pid);
}

}  // namespace

void register_linux_proc_files() { (void)procfs_register("loadavg", loadavg); }

}  // namespace fs
