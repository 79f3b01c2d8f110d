// The kernel's /proc files: meminfo (mm), uptime (sched), cpuinfo (machine
// info and scheduler CPU stats), mounts (the mount table).
#include <fs/mount.hpp>
#include <fs/procfs.hpp>
#include <kernel/boot.hpp>
#include <mm/heap.hpp>
#include <sched/sched.hpp>

namespace fs {
namespace {

void meminfo(ProcBuf& out, void*) {
  const auto& pa = mm::page_allocator();
  const std::uint64_t kb = mm::kPageSize / 1024;
  out.printf("MemTotal:       %8llu kB\n", static_cast<unsigned long long>(pa.total_pages() * kb));
  out.printf("MemFree:        %8llu kB\n", static_cast<unsigned long long>(pa.free_pages() * kb));
  out.printf("KernelHeap:     %8llu kB\n",
             static_cast<unsigned long long>(mm::kmalloc_bytes_in_use() / 1024));
}

void uptime(ProcBuf& out, void*) {
  const std::uint64_t cs = sched::uptime_ns() / 10000000;  // centiseconds
  // Idle time is not accounted separately yet: report 0.
  out.printf("%llu.%02llu 0.00\n", static_cast<unsigned long long>(cs / 100),
             static_cast<unsigned long long>(cs % 100));
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
}

}  // namespace fs
