// The firmware-services registry (PSCI binds here) and semihosting calls.
#include <hal/arch/firmware.hpp>

#include "pgtable.hpp"

extern "C" std::uint64_t aarch64_semihost_call(std::uint64_t op, const void* param);

namespace hal::arch {

extern bool g_semihost_unavailable;  // set by the sync handler (trap.cpp)

namespace {
const FirmwareOps* g_firmware;
constexpr std::uint64_t kSysWrite0 = 0x04;
constexpr std::uint64_t kSysExit = 0x18;
constexpr std::uint64_t kAdpStoppedApplicationExit = 0x20026;
}  // namespace

void firmware_register(const FirmwareOps* ops) { g_firmware = ops; }
const FirmwareOps* firmware() { return g_firmware; }

bool semihost_write0(const char* s) {
  if (g_semihost_unavailable) return false;
  aarch64_semihost_call(kSysWrite0, s);
  return !g_semihost_unavailable;
}

bool semihost_exit(int status) {
  if (g_semihost_unavailable) return false;
  // AArch64 SYS_EXIT always takes the {reason, subcode} block, so the status
  // reaches QEMU's exit code (like SYS_EXIT_EXTENDED on AArch32).
  const std::uint64_t block[2] = {kAdpStoppedApplicationExit,
                                  static_cast<std::uint64_t>(static_cast<std::uint32_t>(status))};
  aarch64_semihost_call(kSysExit, block);
  return false;  // still here: semihosting is off
}

std::uint64_t kernel_phys_base() { return aarch64_kernel_phys; }

}  // namespace hal::arch
