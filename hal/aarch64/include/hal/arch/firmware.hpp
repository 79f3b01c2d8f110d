// Firmware services used by hal/aarch64 (CPU start, power off): a PSCI driver
// registers them; boards without PSCI (spin-table) would register their own.
#pragma once

#include <cstdint>

namespace hal::arch {

struct FirmwareOps {
  const char* name;
  // Starts the CPU `hwid` at physical `entry_pa` with x0 = context.
  int (*cpu_on)(std::uint64_t hwid, std::uint64_t entry_pa, std::uint64_t context);
  void (*system_off)();
  void (*system_reset)();
};

void firmware_register(const FirmwareOps* ops);
const FirmwareOps* firmware();

// Semihosting (QEMU -semihosting, debuggers): usable from the first
// instruction, MMU on or off. Returns false when semihosting is unavailable.
bool semihost_write0(const char* s);
bool semihost_exit(int status);

// Physical address the kernel image was loaded at (its first byte).
std::uint64_t kernel_phys_base();

}  // namespace hal::arch
