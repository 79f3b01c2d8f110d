// CPUs reporting in (boot CPU and, on SMP boards, each started secondary).
#include <kernel/boot.hpp>
#include <klib/printk.hpp>
#include <sched/sched.hpp>

#include <atomic>

namespace kernel {
namespace {
std::atomic<unsigned> g_online{0};
}

void announce_cpu_online(unsigned cpu) {
  g_online.fetch_add(1);
  machine_info().cpus_online = g_online.load();
  klib::printk("fusion: cpu %u online\n", cpu);
}

unsigned cpus_announced() { return g_online.load(); }

unsigned current_cpu_index() { return sched::cpu_index_or_zero(); }

}  // namespace kernel
