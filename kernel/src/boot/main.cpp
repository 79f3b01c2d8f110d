// kernel_main: the boot CPU's path from "MMU on" to the running system, and
// kernel_secondary_main for every other CPU.
#include <fs/init.hpp>
#include <hal/cpu.hpp>
#include <hal/mmu.hpp>
#include <hal/power.hpp>
#include <hal/smp.hpp>
#if FUSION_CONFIG_MMU
#include <hal/user.hpp>
#endif
#include <hal/upcalls.hpp>
#include <hal/user.hpp>
#include <kernel/boot.hpp>
#include <kernel/driver.hpp>
#include <kernel/dt.hpp>
#include <kernel/ktest.hpp>
#include <kernel/process.hpp>
#include <klib/printk.hpp>
#include <sched/sched.hpp>

#include "../monitor/monitor.hpp"

// The Vela image's console (vela_rtos/src/vsh_console.cpp): vsh instead of
// the monitor unless fusion.image=monitor. Weak: kernels without it boot
// the monitor.
extern "C" [[gnu::weak]] int vela_console_run(const char* exec_command);

namespace kernel {

void init_memory(std::uint64_t dtb_pa);
void start_secondary_cpus();
void announce_cpu_online(unsigned cpu);
unsigned cpus_announced();

namespace {

MachineInfo g_machine;

// KTEST and the monitor are left out of minimal configurations
// (FUSION_KTEST / FUSION_MONITOR in cmake/kernel.cmake).
[[noreturn]] void run_test_mode() {
  if constexpr (FUSION_CONFIG_KTEST) {
    const int failed =
        ktest::run_all(boot_options().include_failing_tests, boot_options().test_suite);
    hal::poweroff(failed ? 1 : 0);
  } else {
    klib::printk("ktest: not built into this configuration\n");
    hal::poweroff(1);
  }
}

[[noreturn]] void run_exec_mode() {
  if constexpr (FUSION_CONFIG_MONITOR) {
    static char line[monitor::kLineMax];
    __builtin_strncpy(line, boot_options().exec_command, sizeof line - 1);
    klib::printk("fusion> %s\n", line);
    const int status = monitor::execute(line);
    hal::poweroff(status);
  } else {
    klib::printk("fusion: no monitor in this configuration\n");
    hal::poweroff(127);
  }
}

bool monitor_image_requested(const char* bootargs) {
  const char* key = "fusion.image=monitor";
  for (const char* p = bootargs; p && *p; ++p)
    if ((p == bootargs || p[-1] == ' ') && __builtin_strncmp(p, key, __builtin_strlen(key)) == 0)
      return true;
  return false;
}

}  // namespace

MachineInfo& machine_info() { return g_machine; }

}  // namespace kernel

extern "C" [[noreturn]] void kernel_main(std::uint64_t dtb_pa) {
  using namespace kernel;
  // Without a valid devicetree there is no console to complain on.
  if (!dt::init(hal::phys_to_virt(dtb_pa)).ok()) hal::halt_forever();
  probe_drivers(DriverStage::Console);
  klib::printk("\nFusion kernel for %s (%s)\n", FUSION_BOARD_NAME, FUSION_ARCH_NAME);
  g_machine.model = dt::prop_string(dt::root(), "model");
  if (g_machine.model) klib::printk("machine: %s\n", g_machine.model);
  parse_boot_options(dt::prop_string(dt::find_path("/chosen"), "bootargs"));

  init_memory(dtb_pa);
  probe_drivers(DriverStage::IrqChip);
  probe_drivers(DriverStage::Timer);
  probe_drivers(DriverStage::Platform);
  sched::init_boot_cpu();
  announce_cpu_online(0);
  hal::irq_enable();
  probe_drivers(DriverStage::Device);
  if constexpr (FUSION_CONFIG_SMP) {
    start_secondary_cpus();  // kernel/src/boot/smp.cpp, SMP boards only
  } else {
    g_machine.cpus_possible = 1;
  }
  klib::printk("fusion: %u CPUs online\n", g_machine.cpus_online);
#if FUSION_CONFIG_MMU
  hal::user_init();  // before any user address space exists
#endif
  // The VFS needs the heap, sleeping locks and interrupts: everything above.
  if (auto r = fs::init_root(); !r.ok())
    klib::printk("fs: root filesystem not mounted: %s\n", klib::error_name(r.error()));
  if constexpr (FUSION_CONFIG_PROCFS) process_procfs_init();

  if (boot_options().test_mode) run_test_mode();
  if (vela_console_run &&
      !monitor_image_requested(dt::prop_string(dt::find_path("/chosen"), "bootargs")))
    hal::poweroff(vela_console_run(boot_options().exec_command));
  if (boot_options().exec_command) run_exec_mode();
  if constexpr (FUSION_CONFIG_MONITOR) monitor::run_interactive();
  klib::panic("no console shell in this configuration");
}
