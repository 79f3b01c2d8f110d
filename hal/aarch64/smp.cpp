// hal/smp.hpp: a secondary CPU starts the way its /cpus node's
// "enable-method" says: "psci" (the default) through the firmware's CPU_ON at
// the physical address of aarch64_secondary_entry (boot.S), "spin-table" by
// release from the firmware's spin loop (spin_table.cpp). Either way it turns
// the MMU on with the boot CPU's tables and calls kernel_secondary_main.
#include <hal/arch/firmware.hpp>
#include <hal/arch/irqchip.hpp>
#include <hal/arch/percpu.hpp>
#include <hal/arch/sysreg.hpp>
#include <hal/smp.hpp>
#include <kernel/dt.hpp>

#include "pgtable.hpp"
#include "smp_backends.hpp"

extern "C" {
extern char aarch64_secondary_entry[];
extern std::uint64_t aarch64_secondary_stacks[];
}

namespace hal {

namespace {

// PSCI return codes to klib errors.
klib::Error psci_error(int rc) {
  switch (rc) {
    case -2:
      return klib::Error::INVAL;  // INVALID_PARAMETERS
    case -4:
      return klib::Error::BUSY;  // ALREADY_ON
    case -5:
      return klib::Error::AGAIN;  // ON_PENDING
    case -1:
      return klib::Error::NOSYS;  // NOT_SUPPORTED
    default:
      return klib::Error::IO;
  }
}

// The /cpus node whose reg is `hwid`.
dt::Node cpu_node(std::uint64_t hwid) {
  for (dt::Node n = dt::first_child(dt::find_path("/cpus")); n.valid(); n = dt::next_sibling(n)) {
    const char* type = dt::prop_string(n, "device_type");
    if (!type || __builtin_strcmp(type, "cpu") != 0) continue;
    auto reg = dt::reg(n, 0);
    if (reg.ok() && reg->base == hwid) return n;
  }
  return dt::Node{};
}

klib::Result<void> psci_start(unsigned logical, std::uint64_t hwid) {
  const arch::FirmwareOps* fw = arch::firmware();
  if (!fw || !fw->cpu_on) return klib::Err(klib::Error::NODEV);
  const std::uint64_t entry_pa =
      arch::pt::image_virt_to_phys(reinterpret_cast<std::uint64_t>(aarch64_secondary_entry));
  const int rc = fw->cpu_on(hwid, entry_pa, logical);
  if (rc != 0) return klib::Err(psci_error(rc));
  return klib::ok();
}

klib::Result<std::uint64_t> release_addr(dt::Node node) {
  int len = 0;
  const auto* cells = static_cast<const std::uint32_t*>(dt::prop(node, "cpu-release-addr", &len));
  if (!cells || (len != 4 && len != 8)) return klib::Err(klib::Error::INVAL);
  std::uint64_t release = __builtin_bswap32(cells[0]);  // devicetree cells are big-endian
  if (len == 8) release = (release << 32) | __builtin_bswap32(cells[1]);
  return release;
}

bool is_spin_table(dt::Node node) {
  const char* method = dt::prop_string(node, "enable-method");
  return method && __builtin_strcmp(method, "spin-table") == 0;
}

}  // namespace

namespace arch {

void clean_to_poc(const void* p, std::size_t size) {
  const auto start = reinterpret_cast<std::uintptr_t>(p) & ~std::uintptr_t{63};
  const auto end = reinterpret_cast<std::uintptr_t>(p) + size;
  for (std::uintptr_t a = start; a < end; a += 64) asm volatile("dc cvac, %0" ::"r"(a) : "memory");
  dsb_sy();
}

}  // namespace arch

klib::Result<void> cpu_start(unsigned logical, std::uint64_t hwid, std::uintptr_t stack_top) {
  if (logical == 0 || logical >= arch::kMaxCpus) return klib::Err(klib::Error::INVAL);
  const dt::Node node = cpu_node(hwid);
  const char* method = dt::prop_string(node, "enable-method");
  arch::set_hwid(logical, hwid);
  aarch64_secondary_stacks[logical] = stack_top & ~std::uintptr_t{15};
  // The new CPU reads the boot tables with its MMU and caches off.
  arch::clean_to_poc(&aarch64_boot_mmu, sizeof(aarch64_boot_mmu));
  if (!method || __builtin_strcmp(method, "psci") == 0) return psci_start(logical, hwid);
  if (is_spin_table(node)) return arch::spin_table_release(logical, hwid, TRY(release_addr(node)));
  return klib::Err(klib::Error::NOTSUP);
}

void cpu_park(dt::Node cpu) {
  if (!is_spin_table(cpu)) return;  // PSCI: off until CPU_ON, nothing to do
  auto release = release_addr(cpu);
  if (release.ok()) (void)arch::spin_table_park(*release);
}

void secondary_cpu_init() { irq_init_this_cpu(); }

std::uint64_t cpu_hwid() { return HAL_READ_SYSREG(mpidr_el1) & 0xff00ffffffull; }

}  // namespace hal
