// Arm GICv2 ("arm,cortex-a15-gic", "arm,gic-400"): memory-mapped distributor
// and CPU interface. All interrupts use one priority; SPIs go to the boot
// CPU; SGIs carry IPIs.
#include <hal/arch/irqchip.hpp>
#include <hal/arch/percpu.hpp>
#include <hal/arch/sysreg.hpp>
#include <hal/mmu.hpp>
#include <kernel/driver.hpp>

#include <atomic>

namespace {

using hal::arch::mmio_read32;
using hal::arch::mmio_write32;

// Distributor.
constexpr std::uintptr_t kDCtlr = 0x000;
constexpr std::uintptr_t kDTyper = 0x004;
constexpr std::uintptr_t kDIsEnabler = 0x100;
constexpr std::uintptr_t kDIcEnabler = 0x180;
constexpr std::uintptr_t kDIcPendr = 0x280;
constexpr std::uintptr_t kDIPriorityr = 0x400;
constexpr std::uintptr_t kDITargetsr = 0x800;
constexpr std::uintptr_t kDSgir = 0xf00;
// CPU interface.
constexpr std::uintptr_t kCCtlr = 0x00;
constexpr std::uintptr_t kCPmr = 0x04;
constexpr std::uintptr_t kCBpr = 0x08;
constexpr std::uintptr_t kCIar = 0x0c;
constexpr std::uintptr_t kCEoir = 0x10;

constexpr std::uint32_t kPriority4 = 0xa0a0a0a0;  // four bytes of the one priority
constexpr std::uint32_t kPriorityMask = 0xf0;     // lets 0xa0 through

std::uintptr_t g_dist;
std::uintptr_t g_cpu;
unsigned g_lines;
std::uint8_t g_cpu_target[hal::arch::kMaxCpus];       // GIC CPU-interface bit per CPU
std::atomic<std::uint32_t> g_banked_enabled{0xffff};  // SGIs + PPIs to enable on each CPU

unsigned ack() { return mmio_read32(g_cpu + kCIar) & 0x1fff; }  // with the SGI source CPU
void eoi(unsigned raw) { mmio_write32(g_cpu + kCEoir, raw); }

void mask(unsigned intid) {
  if (intid < 32) g_banked_enabled.fetch_and(~(1u << intid));
  mmio_write32(g_dist + kDIcEnabler + 4 * (intid / 32), 1u << (intid % 32));
}

void unmask(unsigned intid) {
  if (intid >= g_lines) return;
  if (intid < 32) g_banked_enabled.fetch_or(1u << intid);
  mmio_write32(g_dist + kDIsEnabler + 4 * (intid / 32), 1u << (intid % 32));
}

void send_sgi(unsigned cpu, unsigned sgi) {
  if (cpu >= hal::arch::kMaxCpus || !g_cpu_target[cpu]) return;
  hal::arch::dsb_ishst();  // the target must see our writes before the IPI
  mmio_write32(g_dist + kDSgir, (std::uint32_t{g_cpu_target[cpu]} << 16) | (sgi & 15));
}

// Banked registers (SGI/PPI enables, priorities, ITARGETSR0-7) are per CPU.
void init_this_cpu() {
  // ITARGETSR0 reads back the calling CPU's own interface bit.
  g_cpu_target[hal::arch::this_cpu_logical()] = mmio_read32(g_dist + kDITargetsr) & 0xff;
  const std::uint32_t enabled = g_banked_enabled.load();
  mmio_write32(g_dist + kDIcEnabler, ~enabled);
  for (unsigned i = 0; i < 32; i += 4) mmio_write32(g_dist + kDIPriorityr + i, kPriority4);
  mmio_write32(g_dist + kDIsEnabler, enabled);
  mmio_write32(g_cpu + kCPmr, kPriorityMask);
  mmio_write32(g_cpu + kCBpr, 0);
  mmio_write32(g_cpu + kCCtlr, 1);
}

const hal::arch::IrqChip g_chip = {"gicv2", ack, eoi, mask, unmask, send_sgi, init_this_cpu};

klib::Result<void> gicv2_probe(dt::Node node) {
  const dt::Range dist = TRY(dt::reg(node, 0));
  const dt::Range cpu = TRY(dt::reg(node, 1));
  g_dist = reinterpret_cast<std::uintptr_t>(TRY(hal::map_mmio(dist.base, dist.size)));
  g_cpu = reinterpret_cast<std::uintptr_t>(TRY(hal::map_mmio(cpu.base, cpu.size)));
  g_lines = ((mmio_read32(g_dist + kDTyper) & 0x1f) + 1) * 32;
  if (g_lines > 1020) g_lines = 1020;

  mmio_write32(g_dist + kDCtlr, 0);
  const std::uint32_t self = mmio_read32(g_dist + kDITargetsr) & 0xff;
  const std::uint32_t self4 = self * 0x01010101u;
  for (unsigned i = 32; i < g_lines; i += 32) {
    mmio_write32(g_dist + kDIcEnabler + i / 8, 0xffffffff);
    mmio_write32(g_dist + kDIcPendr + i / 8, 0xffffffff);
  }
  for (unsigned i = 32; i < g_lines; i += 4) {
    mmio_write32(g_dist + kDIPriorityr + i, kPriority4);
    mmio_write32(g_dist + kDITargetsr + i, self4);
  }
  mmio_write32(g_dist + kDCtlr, 1);
  init_this_cpu();
  hal::arch::irqchip_register(&g_chip);
  return klib::ok();
}

}  // namespace

FUSION_DRIVER(gicv2, kernel::DriverStage::IrqChip, gicv2_probe, "arm,cortex-a15-gic",
              "arm,gic-400");
