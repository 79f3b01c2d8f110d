// Spin-table CPU release (Documentation/arch/arm64/booting.rst): the firmware
// parks each secondary CPU in a loop that waits (wfe) for a non-zero entry
// address at its "cpu-release-addr". Raspberry Pi 3 firmware and QEMU's
// raspi3b boot stub both work this way. The parked CPU gets no argument, so
// it finds its logical number by its MPIDR in aarch64_spin_table_hwids
// (boot.S, aarch64_spin_table_entry).
#include <hal/arch/percpu.hpp>
#include <hal/arch/sysreg.hpp>
#include <hal/mmu.hpp>

#include "pgtable.hpp"
#include "smp_backends.hpp"

extern "C" {
extern char aarch64_spin_table_entry[];
extern char aarch64_park_entry[];
// MPIDR affinity | kSpinSlotValid per logical CPU, read with the MMU off.
std::uint64_t aarch64_spin_table_hwids[hal::arch::kMaxCpus];
}

namespace hal::arch {

static_assert(kMaxCpus == 8, "boot.S SPIN_TABLE_SLOTS must match");

namespace {

// Writes the physical address of `entry` to `release_pa` and wakes the CPUs
// waiting in the spin loop. Uncached, so the write reaches memory the parked
// CPU reads with its MMU off; no cache maintenance needed for the word itself.
klib::Result<void> release_to(std::uint64_t release_pa, const char* entry) {
  if (release_pa & 7) return klib::Err(klib::Error::INVAL);
  const std::uint64_t page = release_pa & ~std::uint64_t{0xfff};
  auto* window = static_cast<volatile std::uint64_t*>(TRY(hal::map_mmio(page, 0x1000)));
  const std::uint64_t entry_pa = pt::image_virt_to_phys(reinterpret_cast<std::uint64_t>(entry));
  dsb_sy();  // the tables and stacks it will use are visible first
  window[(release_pa - page) / 8] = entry_pa;
  dsb_sy();
  asm volatile("sev" ::: "memory");
  return klib::ok();
}

}  // namespace

klib::Result<void> spin_table_release(unsigned logical, std::uint64_t hwid,
                                      std::uint64_t release_pa) {
  if (logical >= kMaxCpus) return klib::Err(klib::Error::INVAL);
  aarch64_spin_table_hwids[logical] = hwid | kSpinSlotValid;
  clean_to_poc(&aarch64_spin_table_hwids[logical], sizeof(std::uint64_t));
  return release_to(release_pa, aarch64_spin_table_entry);
}

klib::Result<void> spin_table_park(std::uint64_t release_pa) {
  return release_to(release_pa, aarch64_park_entry);
}

}  // namespace hal::arch
