// BCM2836/7 per-core interrupt controller ("brcm,bcm2836-l1-intc", the "ARM
// local" block of the QA7 document): per core, the four generic-timer
// interrupts, four mailboxes and the routed GPU interrupt. It is the root
// controller: the IRQ vector asks it what is pending on this core. Mailbox 0
// of each core carries IPIs, one bit per hal::Ipi kind.
#include "bcm2836_l1_intc.hpp"

#include <hal/arch/irqchip.hpp>
#include <hal/arch/percpu.hpp>
#include <hal/arch/sysreg.hpp>
#include <hal/mmu.hpp>
#include <kernel/driver.hpp>

#include <atomic>

namespace bcm2836_l1 {
namespace {

using hal::arch::mmio_read32;
using hal::arch::mmio_write32;

constexpr std::uintptr_t kGpuRouting = 0x0c;
constexpr std::uintptr_t kTimerControl = 0x40;  // + 4 * core: IRQ enables, bits 0-3
constexpr std::uintptr_t kMailboxControl = 0x50;
constexpr std::uintptr_t kIrqSource = 0x60;
constexpr std::uintptr_t kMailboxSet = 0x80;    // + 16 * core + 4 * mailbox
constexpr std::uintptr_t kMailboxClear = 0xc0;  // read: pending bits; write 1: clear
constexpr unsigned kCores = 4;
constexpr unsigned kInputs = 10;  // source bits 0-9
constexpr unsigned kTimerInputs = 0xf;
constexpr unsigned kMailbox0Input = 4;
constexpr unsigned kIpis = 16;

std::uintptr_t g_base;
// Timer inputs to enable on every core (each core has its own enables).
std::atomic<std::uint32_t> g_timers_enabled{0};
const Chained* g_chained;
dt::Node g_chained_node;
unsigned g_chained_input = kInputs;  // resolved once both drivers are up

unsigned this_core() { return HAL_READ_SYSREG(mpidr_el1) & 0xff; }

unsigned ack() {
  const unsigned core = this_core();
  const std::uint32_t source = mmio_read32(g_base + kIrqSource + 4 * core);
  if (source & (1u << kMailbox0Input)) {
    const std::uint32_t bits = mmio_read32(g_base + kMailboxClear + 16 * core);
    const std::uint32_t ipis = bits & ((1u << kIpis) - 1);
    if (ipis) return __builtin_ctz(ipis);
    // Bits no IPI kind uses (another OS's or firmware's): drop them.
    if (bits) mmio_write32(g_base + kMailboxClear + 16 * core, bits);
  }
  if (source & kTimerInputs) return kLocalBase + __builtin_ctz(source & kTimerInputs);
  if (g_chained && g_chained_input < kInputs && (source & (1u << g_chained_input)))
    return g_chained->pending();
  return kNone;
}

void eoi(unsigned raw) {
  // Devices drop their level themselves; an IPI is consumed here, before the
  // kernel acts on it, so one sent meanwhile is not lost.
  if (raw < kIpis) mmio_write32(g_base + kMailboxClear + 16 * this_core(), 1u << raw);
}

void write_timer_enables() {
  mmio_write32(g_base + kTimerControl + 4 * this_core(), g_timers_enabled.load());
}

void mask(unsigned irq) {
  if (irq >= kChainedBase) {
    if (g_chained) g_chained->mask(irq);
  } else if (irq >= kLocalBase && ((1u << (irq - kLocalBase)) & kTimerInputs)) {
    g_timers_enabled.fetch_and(~(1u << (irq - kLocalBase)));
    write_timer_enables();
  }
}

void unmask(unsigned irq) {
  if (irq >= kChainedBase) {
    if (g_chained) g_chained->unmask(irq);
  } else if (irq >= kLocalBase && ((1u << (irq - kLocalBase)) & kTimerInputs)) {
    g_timers_enabled.fetch_or(1u << (irq - kLocalBase));
    write_timer_enables();
  }
}

void send_sgi(unsigned cpu, unsigned sgi) {
  const std::uint64_t hwid = hal::arch::hwid_of(cpu);
  if (hwid >= kCores || sgi >= kIpis) return;
  hal::arch::dsb_ishst();  // the target must see our writes before the IPI
  mmio_write32(g_base + kMailboxSet + 16 * hwid, 1u << sgi);
}

void init_this_cpu() {
  if (this_core() >= kCores) return;
  mmio_write32(g_base + kMailboxControl + 4 * this_core(), 1);  // mailbox 0 IRQ on
  write_timer_enables();
}

const hal::arch::IrqChip g_chip = {"bcm2836-l1-intc", ack,          eoi, mask, unmask,
                                   send_sgi,          init_this_cpu};

// <input flags>: local input 0-9 (flags: trigger type, fixed by hardware).
klib::Result<unsigned> translate(const std::uint32_t* cells, int count) {
  if (count < 1 || cells[0] >= kInputs) return klib::Err(klib::Error::INVAL);
  return kLocalBase + cells[0];
}

klib::Result<void> resolve_chain() {
  if (!g_base || !g_chained || g_chained_input < kInputs) return klib::ok();
  const unsigned irq = TRY(dt::irq(g_chained_node));
  if (irq < kLocalBase || irq - kLocalBase >= kInputs) return klib::Err(klib::Error::INVAL);
  g_chained_input = irq - kLocalBase;
  return klib::ok();
}

klib::Result<void> probe(dt::Node node) {
  if (g_base) return klib::Err(klib::Error::BUSY);  // one per SoC
  const dt::Range reg = TRY(dt::reg(node));
  g_base = reinterpret_cast<std::uintptr_t>(TRY(hal::map_mmio(reg.base, reg.size)));
  TRY(dt::set_irq_translate(node, translate));
  // The GPU interrupt (and so every peripheral) goes to the boot core, as
  // the GIC drivers send SPIs to the boot CPU.
  mmio_write32(g_base + kGpuRouting, this_core() & 3);
  for (unsigned core = 0; core < kCores; ++core) mmio_write32(g_base + kTimerControl + 4 * core, 0);
  init_this_cpu();
  hal::arch::irqchip_register(&g_chip);
  return resolve_chain();
}

}  // namespace

klib::Result<void> chain(dt::Node node, const Chained* chip) {
  if (g_chained) return klib::Err(klib::Error::BUSY);
  g_chained = chip;
  g_chained_node = node;
  return resolve_chain();
}

}  // namespace bcm2836_l1

FUSION_DRIVER(bcm2836_l1_intc, kernel::DriverStage::IrqChip, bcm2836_l1::probe,
              "brcm,bcm2836-l1-intc");
