// Boot-time state shared by the kernel's own subsystems: the parsed kernel
// command line and facts discovered during bring-up.
#pragma once

#include <cstddef>
#include <cstdint>

namespace kernel {

struct BootOptions {
  bool test_mode = false;              // fusion.test=1: run KTEST, power off
  bool include_failing_tests = false;  // fusion.ktest_fail=1
  const char* test_suite = nullptr;    // fusion.ktest=<suite>
  const char* exec_command = nullptr;  // fusion.exec=<percent-encoded command>
  const char* image = "vela";          // fusion.image=vela|monitor|linux: the console's program
  unsigned max_cpus = 0;               // fusion.maxcpus=N: CPUs to bring up (0: all)
  std::uint64_t mem_limit = 0;         // fusion.mem=SIZE[K|M|G]: RAM to use (0: all)
};

const BootOptions& boot_options();
// Parses /chosen/bootargs (called once by kernel_main after dt::init).
void parse_boot_options(const char* bootargs);

struct MachineInfo {
  const char* board = FUSION_BOARD_NAME;
  const char* model = nullptr;  // /model from the devicetree
  unsigned cpus_possible = 0;   // cpu nodes in /cpus
  unsigned cpus_online = 0;
  std::uint64_t ram_bytes = 0;  // sum of /memory ranges
  std::uint64_t reserved_bytes = 0;
};
MachineInfo& machine_info();

unsigned current_cpu_index();

[[noreturn]] void stop_machine_after_panic();
void print_backtrace_here();

}  // namespace kernel
