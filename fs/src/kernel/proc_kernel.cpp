// The kernel's /proc files: meminfo (mm), uptime (sched), cpuinfo (machine
// info and scheduler CPU stats), mounts (the mount table), stat (CPU time).
#include <fs/mount.hpp>
#include <fs/procfs.hpp>
#include <kernel/boot.hpp>
#include <kernel/process.hpp>
#include <mm/heap.hpp>
#include <sched/sched.hpp>

namespace fs {
namespace {

constexpr unsigned kMaxCpus = 64;  // sched::CpuMask's width

// Run time of each CPU's idle thread(s), by CPU.
void idle_time(std::uint64_t (&ns)[kMaxCpus]) {
  sched::for_each_thread([&ns](const sched::ThreadInfo& t) {
    if (__builtin_strcmp(t.policy, "idle") == 0 && t.cpu >= 0 && t.cpu < static_cast<int>(kMaxCpus))
      ns[t.cpu] += t.runtime_ns;
  });
}

void meminfo(ProcBuf& out, void*) {
  const auto& pa = mm::page_allocator();
  const std::uint64_t kb = mm::kPageSize / 1024;
  out.printf("MemTotal:       %8llu kB\n", static_cast<unsigned long long>(pa.total_pages() * kb));
  out.printf("MemFree:        %8llu kB\n", static_cast<unsigned long long>(pa.free_pages() * kb));
  // Linux's names for what this kernel does not have: no page cache or
  // buffers (files live in tmpfs pages, counted as used), no swap. Free
  // pages are all available.
  out.printf("MemAvailable:   %8llu kB\n", static_cast<unsigned long long>(pa.free_pages() * kb));
  out.printf("Buffers:        %8llu kB\nCached:         %8llu kB\n", 0ull, 0ull);
  out.printf("SwapTotal:      %8llu kB\nSwapFree:       %8llu kB\n", 0ull, 0ull);
  out.printf("KernelHeap:     %8llu kB\n",
             static_cast<unsigned long long>(mm::kmalloc_bytes_in_use() / 1024));
}

void uptime(ProcBuf& out, void*) {
  const std::uint64_t cs = sched::uptime_ns() / 10000000;  // centiseconds
  // Idle time: what the CPUs' idle threads ran, summed as Linux does.
  std::uint64_t idle_ns[kMaxCpus] = {};
  idle_time(idle_ns);
  std::uint64_t idle = 0;
  for (std::uint64_t ns : idle_ns) idle += ns / 10000000;
  out.printf("%llu.%02llu %llu.%02llu\n", static_cast<unsigned long long>(cs / 100),
             static_cast<unsigned long long>(cs % 100), static_cast<unsigned long long>(idle / 100),
             static_cast<unsigned long long>(idle % 100));
}

// /proc/stat in USER_HZ ticks: per CPU, time not spent idle as "user" (the
// scheduler does not split user from system time) and the idle thread's
// run time as "idle"; context switches and process counts.
void stat(ProcBuf& out, void*) {
  constexpr std::uint64_t kTick = 10000000;
  const kernel::MachineInfo& m = kernel::machine_info();
  std::uint64_t idle_ns[kMaxCpus] = {};
  idle_time(idle_ns);
  const std::uint64_t up = sched::uptime_ns();
  std::uint64_t busy_all = 0, idle_all = 0, switches = 0;
  const unsigned cpus = m.cpus_possible < kMaxCpus ? m.cpus_possible : kMaxCpus;
  std::uint64_t busy[kMaxCpus] = {};
  for (unsigned c = 0; c < cpus; ++c) {
    sched::CpuStats st{};
    if (!sched::cpu_stats(c, &st) || !st.online) continue;
    busy[c] = up > idle_ns[c] ? (up - idle_ns[c]) / kTick : 0;
    busy_all += busy[c];
    idle_all += idle_ns[c] / kTick;
    switches += st.context_switches;
  }
  out.printf("cpu  %llu 0 0 %llu 0 0 0 0 0 0\n", static_cast<unsigned long long>(busy_all),
             static_cast<unsigned long long>(idle_all));
  for (unsigned c = 0; c < cpus; ++c)
    out.printf("cpu%u %llu 0 0 %llu 0 0 0 0 0 0\n", c, static_cast<unsigned long long>(busy[c]),
               static_cast<unsigned long long>(idle_ns[c] / kTick));
  unsigned running = 0, blocked = 0;
  sched::for_each_thread([&](const sched::ThreadInfo& t) {
    if (__builtin_strcmp(t.policy, "idle") == 0) return;
    if (__builtin_strcmp(t.state, "running") == 0 || __builtin_strcmp(t.state, "runnable") == 0)
      ++running;
    else if (__builtin_strcmp(t.state, "blocked") == 0)
      ++blocked;
  });
  // No "processes" line: forks since boot are not counted.
  out.printf("ctxt %llu\nbtime 0\nprocs_running %u\nprocs_blocked %u\n",
             static_cast<unsigned long long>(switches), running, blocked);
}

void cpuinfo(ProcBuf& out, void*) {
  const kernel::MachineInfo& m = kernel::machine_info();
  for (unsigned cpu = 0; cpu < m.cpus_possible; ++cpu) {
    sched::CpuStats st{};
    const bool online = sched::cpu_stats(cpu, &st) && st.online;
    out.printf(
        "processor\t: %u\narchitecture\t: %s\nboard\t\t: %s\nmodel\t\t: %s\nonline\t\t: %s\n"
        "context switches: %llu\n\n",
        cpu, FUSION_ARCH_NAME, m.board, m.model ? m.model : "unknown", online ? "yes" : "no",
        static_cast<unsigned long long>(st.context_switches));
  }
}

void mounts(ProcBuf& out, void*) {
  for_each_mount(
      [](const Mount& m, void* ctx) {
        static_cast<ProcBuf*>(ctx)->printf("%s %s %s rw 0 0\n", m.source, m.path, m.sb->fstype);
      },
      &out);
}

}  // namespace

void register_linux_proc_files();  // proc_linux.cpp

void register_kernel_proc_files() {
  register_linux_proc_files();
  (void)procfs_register("meminfo", meminfo);
  (void)procfs_register("uptime", uptime);
  (void)procfs_register("cpuinfo", cpuinfo);
  (void)procfs_register("mounts", mounts);
  (void)procfs_register("stat", stat);
}

}  // namespace fs
