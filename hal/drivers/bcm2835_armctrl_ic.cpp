// BCM2835 ARM interrupt controller ("brcm,bcm2835-armctrl-ic", and the
// BCM2836/7 copy "brcm,bcm2836-armctrl-ic"): the GPU's 64 peripheral
// interrupts plus 8 ARM ones, level-triggered, enable/disable by write-1
// registers. On BCM2836/7 its output is an input of the per-core controller
// (bcm2836_l1_intc.cpp), named by the node's "interrupts"; on a BCM2835 (no
// "interrupts") it is the root controller itself.
//
// Specifier <bank number>: bank 0 the ARM interrupts (0-7), bank 1 GPU 0-31,
// bank 2 GPU 32-63. hal::irq number = 32 + 32 * bank + number.
#include "bcm2836_l1_intc.hpp"

#include <hal/arch/irqchip.hpp>
#include <hal/arch/sysreg.hpp>
#include <hal/mmu.hpp>
#include <kernel/driver.hpp>

namespace {

using bcm2836_l1::kChainedBase;
using bcm2836_l1::kNone;
using hal::arch::mmio_read32;
using hal::arch::mmio_write32;

constexpr unsigned kBanks = 3;
constexpr std::uint32_t kBank0Mask = 0xff;  // bank 0: ARM interrupts 0-7 only
// Per bank: pending, enable (write 1), disable (write 1); bank order 0,1,2.
constexpr std::uintptr_t kPending[kBanks] = {0x00, 0x04, 0x08};
constexpr std::uintptr_t kEnable[kBanks] = {0x18, 0x10, 0x14};
constexpr std::uintptr_t kDisable[kBanks] = {0x24, 0x1c, 0x20};

std::uintptr_t g_base;

bool split(unsigned irq, unsigned* bank, unsigned* bit) {
  if (irq < kChainedBase || irq >= kChainedBase + 32 * kBanks) return false;
  *bank = (irq - kChainedBase) / 32;
  *bit = (irq - kChainedBase) % 32;
  return *bank != 0 || *bit < 8;
}

unsigned pending() {
  for (unsigned bank = 0; bank < kBanks; ++bank) {
    std::uint32_t bits = mmio_read32(g_base + kPending[bank]);
    if (bank == 0) bits &= kBank0Mask;  // the rest are shortcuts into banks 1-2
    if (bits) return kChainedBase + 32 * bank + __builtin_ctz(bits);
  }
  return kNone;
}

void mask(unsigned irq) {
  unsigned bank, bit;
  if (split(irq, &bank, &bit)) mmio_write32(g_base + kDisable[bank], 1u << bit);
}

void unmask(unsigned irq) {
  unsigned bank, bit;
  if (split(irq, &bank, &bit)) mmio_write32(g_base + kEnable[bank], 1u << bit);
}

const bcm2836_l1::Chained g_chained = {pending, mask, unmask};

// Root-controller mode (BCM2835): one CPU, no IPIs, nothing per CPU.
unsigned root_ack() { return pending(); }
void root_eoi(unsigned) {}
void root_send_sgi(unsigned, unsigned) {}
void root_init_this_cpu() {}
const hal::arch::IrqChip g_root_chip = {
    "bcm2835-armctrl-ic", root_ack, root_eoi, mask, unmask, root_send_sgi, root_init_this_cpu};

klib::Result<unsigned> translate(const std::uint32_t* cells, int count) {
  if (count < 2 || cells[0] >= kBanks || cells[1] >= 32) return klib::Err(klib::Error::INVAL);
  unsigned bank, bit;
  const unsigned irq = kChainedBase + 32 * cells[0] + cells[1];
  if (!split(irq, &bank, &bit)) return klib::Err(klib::Error::INVAL);
  return irq;
}

klib::Result<void> probe(dt::Node node) {
  if (g_base) return klib::Err(klib::Error::BUSY);
  const dt::Range reg = TRY(dt::reg(node));
  g_base = reinterpret_cast<std::uintptr_t>(TRY(hal::map_mmio(reg.base, reg.size)));
  for (unsigned bank = 0; bank < kBanks; ++bank) mmio_write32(g_base + kDisable[bank], ~0u);
  TRY(dt::set_irq_translate(node, translate));
  if (dt::prop(node, "interrupts")) return bcm2836_l1::chain(node, &g_chained);
  hal::arch::irqchip_register(&g_root_chip);
  return klib::ok();
}

}  // namespace

FUSION_DRIVER(bcm2835_armctrl_ic, kernel::DriverStage::IrqChip, probe, "brcm,bcm2836-armctrl-ic",
              "brcm,bcm2835-armctrl-ic");
