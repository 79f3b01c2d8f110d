// Brings every CPU listed in /cpus online: each gets a kernel stack, is
// started through the platform's firmware interface (hal::cpu_start), and
// reports in from kernel_secondary_main. Compiled only for boards with SMP
// (FUSION_SMP in board.cmake).
#include <hal/cpu.hpp>
#include <hal/mmu.hpp>
#include <hal/smp.hpp>
#include <hal/timer.hpp>
#include <hal/upcalls.hpp>
#include <kernel/boot.hpp>
#include <kernel/dt.hpp>
#include <klib/printk.hpp>
#include <mm/heap.hpp>
#include <sched/sched.hpp>

namespace kernel {

void announce_cpu_online(unsigned cpu);  // cpus.cpp
unsigned cpus_announced();

namespace {

using sched::kMaxCpus;
constexpr unsigned kBootStackOrder = 2;  // 16 KiB until the CPU's idle thread takes over
bool is_cpu_node(dt::Node n) {
  const char* type = dt::prop_string(n, "device_type");
  return type && __builtin_strcmp(type, "cpu") == 0 && dt::is_enabled(n);
}

}  // namespace

void start_secondary_cpus() {
  dt::Node cpus = dt::find_path("/cpus");
  const std::uint64_t boot_hwid = hal::cpu_hwid();
  unsigned logical = 1;
  for (dt::Node n = dt::first_child(cpus); n.valid(); n = dt::next_sibling(n)) {
    if (!is_cpu_node(n) || !hal::cpu_node_usable(n)) continue;
    ++machine_info().cpus_possible;
    auto reg = dt::reg(n, 0);
    if (!reg.ok() || reg->base == boot_hwid) continue;
    // fusion.maxcpus: boards whose CPU count is fixed (QEMU raspi3b) still
    // run with fewer online.
    const unsigned max_cpus = boot_options().max_cpus;
    if (max_cpus && logical >= max_cpus) {
      hal::cpu_park(n);
      continue;
    }
    if (logical >= kMaxCpus) {
      klib::printk("smp: cpu %s ignored, kernel built for %u CPUs\n", dt::name(n), kMaxCpus);
      continue;
    }
    auto stack = mm::alloc_pages(kBootStackOrder);
    if (!stack.ok()) {
      klib::printk("smp: no memory for a stack for cpu %u\n", logical);
      break;
    }
    const auto top = reinterpret_cast<std::uintptr_t>(hal::phys_to_virt(*stack)) +
                     (mm::kPageSize << kBootStackOrder);
    const unsigned before = cpus_announced();
    if (auto r = hal::cpu_start(logical, reg->base, top); !r.ok()) {
      klib::printk("smp: cpu %u (hwid %llx) failed to start: %s\n", logical,
                   static_cast<unsigned long long>(reg->base), klib::error_name(r.error()));
      mm::free_pages(*stack, kBootStackOrder);
      continue;
    }
    // Wait up to one second for it to report in, so CPUs come up in order.
    const std::uint64_t deadline = hal::timer_ticks() + hal::timer_frequency_hz();
    while (cpus_announced() == before && hal::timer_ticks() < deadline) hal::cpu_relax();
    if (cpus_announced() == before) klib::printk("smp: cpu %u did not come online\n", logical);
    ++logical;
  }
}

}  // namespace kernel

extern "C" [[noreturn]] void kernel_secondary_main(unsigned logical_cpu) {
  hal::secondary_cpu_init();
  sched::init_secondary_cpu(logical_cpu);
  kernel::announce_cpu_online(logical_cpu);
  hal::irq_enable();
  sched::idle_loop();
}
