// The ways hal/aarch64 can start a secondary CPU, chosen per CPU from its
// devicetree "enable-method" (smp.cpp): PSCI CPU_ON through the firmware
// driver, or releasing it from a spin table (spin_table.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

#include <klib/result.hpp>

namespace hal::arch {

// Marks a used aarch64_spin_table_hwids slot (hwid 0 is a real MPIDR).
inline constexpr std::uint64_t kSpinSlotValid = std::uint64_t{1} << 63;

// Writes the physical entry point to `release_pa` and wakes the parked CPUs.
klib::Result<void> spin_table_release(unsigned logical, std::uint64_t hwid,
                                      std::uint64_t release_pa);
// Releases the CPU waiting on `release_pa` into a halt loop (hal::cpu_park).
klib::Result<void> spin_table_park(std::uint64_t release_pa);

// Pushes [p, p + size) to the point of coherency, for CPUs whose MMU and
// caches are still off.
void clean_to_poc(const void* p, std::size_t size);

}  // namespace hal::arch
