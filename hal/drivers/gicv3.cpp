// Arm GICv3 ("arm,gic-v3"): memory-mapped distributor, one redistributor per
// CPU (found by matching GICR_TYPER affinity), system-register CPU
// interface (ICC_*_EL1). Everything is non-secure group 1 at one priority;
// SPIs are routed to the boot CPU; SGIs carry IPIs.
#include <hal/arch/irqchip.hpp>
#include <hal/arch/percpu.hpp>
#include <hal/arch/sysreg.hpp>
#include <hal/mmu.hpp>
#include <kernel/driver.hpp>

#include <atomic>

// CPU interface registers by encoding, so any assembler accepts them.
#define ICC_PMR_EL1 s3_0_c4_c6_0
#define ICC_IAR1_EL1 s3_0_c12_c12_0
#define ICC_EOIR1_EL1 s3_0_c12_c12_1
#define ICC_BPR1_EL1 s3_0_c12_c12_3
#define ICC_SRE_EL1 s3_0_c12_c12_5
#define ICC_IGRPEN1_EL1 s3_0_c12_c12_7
#define ICC_SGI1R_EL1 s3_0_c12_c11_5
#define READ_ICC(r) HAL_READ_SYSREG(r)
#define WRITE_ICC(r, v) HAL_WRITE_SYSREG(r, v)

namespace {

using hal::arch::mmio_read32;
using hal::arch::mmio_read64;
using hal::arch::mmio_write32;
using hal::arch::mmio_write64;

// Distributor.
constexpr std::uintptr_t kDCtlr = 0x0000;
constexpr std::uintptr_t kDTyper = 0x0004;
constexpr std::uintptr_t kDIGroupr = 0x0080;
constexpr std::uintptr_t kDIsEnabler = 0x0100;
constexpr std::uintptr_t kDIcEnabler = 0x0180;
constexpr std::uintptr_t kDIcPendr = 0x0280;
constexpr std::uintptr_t kDIPriorityr = 0x0400;
constexpr std::uintptr_t kDIRouter = 0x6000;
constexpr std::uint32_t kDCtlrRwp = 1u << 31;
// GICD_CTLR with ARE: ARE_NS | EnableGrp1A | EnableGrp1 (non-secure view),
// which is also ARE | EnableGrp1 | EnableGrp0 when the GIC has one
// security state, as on QEMU virt without secure=on.
constexpr std::uint32_t kDCtlrEnable = (1u << 4) | (1u << 1) | (1u << 0);
// Redistributor: RD_base frame, then SGI_base frame 64 KiB later.
constexpr std::uintptr_t kRCtlr = 0x0000;
constexpr std::uintptr_t kRTyper = 0x0008;
constexpr std::uintptr_t kRWaker = 0x0014;
constexpr std::uintptr_t kSgiBase = 0x10000;
constexpr std::uint32_t kRCtlrRwp = 1u << 3;
constexpr std::uint32_t kWakerProcessorSleep = 1u << 1;
constexpr std::uint32_t kWakerChildrenAsleep = 1u << 2;
constexpr std::uint64_t kRTyperLast = 1u << 4;
constexpr std::uint64_t kRTyperVlpis = 1u << 1;

constexpr std::uint32_t kPriority4 = 0xa0a0a0a0;
constexpr std::uint64_t kPriorityMask = 0xf0;

std::uintptr_t g_dist;
std::uintptr_t g_redist;  // first redistributor region
std::uintptr_t g_redist_end;
unsigned g_lines;
std::uintptr_t g_rd[hal::arch::kMaxCpus];  // this CPU's RD_base
std::atomic<std::uint32_t> g_banked_enabled{0xffff};

std::uintptr_t this_rd() { return g_rd[hal::arch::this_cpu_logical()]; }

void wait_rwp(std::uintptr_t reg, std::uint32_t bit) {
  while (mmio_read32(reg) & bit) {
  }
}

unsigned ack() {
  const unsigned intid = READ_ICC(ICC_IAR1_EL1) & 0xffffff;
  hal::arch::dsb_sy();  // device state after the acknowledge is observed after it
  return intid;
}

void eoi(unsigned intid) {
  WRITE_ICC(ICC_EOIR1_EL1, intid);
  hal::arch::isb();
}

void set_enable(unsigned intid, bool on) {
  const std::uintptr_t off = (on ? kDIsEnabler : kDIcEnabler) + 4 * (intid / 32);
  const std::uint32_t bit = 1u << (intid % 32);
  if (intid < 32) {
    if (on) {
      g_banked_enabled.fetch_or(bit);
    } else {
      g_banked_enabled.fetch_and(~bit);
    }
    const std::uintptr_t rd = this_rd();
    if (!rd) return;
    mmio_write32(rd + kSgiBase + off, bit);
    wait_rwp(rd + kRCtlr, kRCtlrRwp);
  } else if (intid < g_lines) {
    mmio_write32(g_dist + off, bit);
    wait_rwp(g_dist + kDCtlr, kDCtlrRwp);
  }
}

void mask(unsigned intid) { set_enable(intid, false); }
void unmask(unsigned intid) { set_enable(intid, true); }

void send_sgi(unsigned cpu, unsigned sgi) {
  const std::uint64_t hwid = hal::arch::hwid_of(cpu);
  if (hwid == ~0ull || (hwid & 0xff) >= 16) return;  // TargetList covers Aff0 0-15
  const std::uint64_t aff1 = (hwid >> 8) & 0xff, aff2 = (hwid >> 16) & 0xff;
  const std::uint64_t aff3 = (hwid >> 32) & 0xff;
  const std::uint64_t value = (aff3 << 48) | (aff2 << 32) | (std::uint64_t{sgi & 15} << 24) |
                              (aff1 << 16) | (1u << (hwid & 0xf));
  hal::arch::dsb_ishst();  // the target must see our writes before the IPI
  WRITE_ICC(ICC_SGI1R_EL1, value);
  hal::arch::isb();
}

// Finds the redistributor whose GICR_TYPER affinity matches this CPU.
std::uintptr_t find_redistributor() {
  const std::uint64_t mpidr = HAL_READ_SYSREG(mpidr_el1);
  const std::uint64_t aff = ((mpidr >> 8) & 0xff000000) | (mpidr & 0xffffff);
  for (std::uintptr_t rd = g_redist; rd < g_redist_end;) {
    const std::uint64_t typer = mmio_read64(rd + kRTyper);
    if ((typer >> 32) == aff) return rd;
    if (typer & kRTyperLast) break;
    rd += (typer & kRTyperVlpis) ? 0x40000 : 0x20000;
  }
  return 0;
}

void init_this_cpu() {
  const std::uintptr_t rd = find_redistributor();
  if (!rd) return;
  g_rd[hal::arch::this_cpu_logical()] = rd;
  mmio_write32(rd + kRWaker, mmio_read32(rd + kRWaker) & ~kWakerProcessorSleep);
  while (mmio_read32(rd + kRWaker) & kWakerChildrenAsleep) {
  }
  const std::uintptr_t sgi = rd + kSgiBase;
  const std::uint32_t enabled = g_banked_enabled.load();
  mmio_write32(sgi + kDIcEnabler, ~enabled);
  wait_rwp(rd + kRCtlr, kRCtlrRwp);
  mmio_write32(sgi + kDIGroupr, 0xffffffff);
  for (unsigned i = 0; i < 32; i += 4) mmio_write32(sgi + kDIPriorityr + i, kPriority4);
  mmio_write32(sgi + kDIsEnabler, enabled);
  wait_rwp(rd + kRCtlr, kRCtlrRwp);

  WRITE_ICC(ICC_SRE_EL1, READ_ICC(ICC_SRE_EL1) | 1);
  hal::arch::isb();
  WRITE_ICC(ICC_PMR_EL1, kPriorityMask);
  WRITE_ICC(ICC_BPR1_EL1, 0);
  WRITE_ICC(ICC_IGRPEN1_EL1, 1);
  hal::arch::isb();
}

const hal::arch::IrqChip g_chip = {"gicv3", ack, eoi, mask, unmask, send_sgi, init_this_cpu};

klib::Result<void> gicv3_probe(dt::Node node) {
  const dt::Range dist = TRY(dt::reg(node, 0));
  const dt::Range redist = TRY(dt::reg(node, 1));  // only the first region is used
  g_dist = reinterpret_cast<std::uintptr_t>(TRY(hal::map_mmio(dist.base, dist.size)));
  g_redist = reinterpret_cast<std::uintptr_t>(TRY(hal::map_mmio(redist.base, redist.size)));
  g_redist_end = g_redist + redist.size;
  g_lines = ((mmio_read32(g_dist + kDTyper) & 0x1f) + 1) * 32;
  if (g_lines > 1020) g_lines = 1020;

  mmio_write32(g_dist + kDCtlr, 0);
  wait_rwp(g_dist + kDCtlr, kDCtlrRwp);
  const std::uint64_t boot_affinity = HAL_READ_SYSREG(mpidr_el1) & 0xff00ffffffull;
  for (unsigned i = 32; i < g_lines; i += 32) {
    mmio_write32(g_dist + kDIGroupr + i / 8, 0xffffffff);
    mmio_write32(g_dist + kDIcEnabler + i / 8, 0xffffffff);
    mmio_write32(g_dist + kDIcPendr + i / 8, 0xffffffff);
  }
  for (unsigned i = 32; i < g_lines; i += 4) mmio_write32(g_dist + kDIPriorityr + i, kPriority4);
  wait_rwp(g_dist + kDCtlr, kDCtlrRwp);
  mmio_write32(g_dist + kDCtlr, 1u << 4);  // ARE first, then the group enables
  wait_rwp(g_dist + kDCtlr, kDCtlrRwp);
  for (unsigned i = 32; i < g_lines; ++i) mmio_write64(g_dist + kDIRouter + 8 * i, boot_affinity);
  mmio_write32(g_dist + kDCtlr, kDCtlrEnable);
  wait_rwp(g_dist + kDCtlr, kDCtlrRwp);
  init_this_cpu();
  hal::arch::irqchip_register(&g_chip);
  return klib::ok();
}

}  // namespace

FUSION_DRIVER(gicv3, kernel::DriverStage::IrqChip, gicv3_probe, "arm,gic-v3");
