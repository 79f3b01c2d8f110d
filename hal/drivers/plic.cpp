// RISC-V PLIC (sifive,plic-1.0.0 / riscv,plic0): the external interrupt
// controller behind hal::irq_*. Each hart's S-mode context is found from
// interrupts-extended (entries whose cause is 9, supervisor external). Device
// interrupts are routed to the hart that probed the PLIC (the boot hart).
#include <libfdt.h>
#include <hal/arch/hart.hpp>
#include <hal/arch/riscv.hpp>
#include <hal/mmu.hpp>
#include <hal/smp.hpp>
#include <kernel/driver.hpp>
#include <klib/printk.hpp>
#include <klib/spinlock.hpp>

namespace {

using hal::kMaxCpus;

constexpr std::uintptr_t kPriority = 0x0;
constexpr std::uintptr_t kEnable = 0x2000;
constexpr std::uintptr_t kEnableStride = 0x80;
constexpr std::uintptr_t kContext = 0x200000;
constexpr std::uintptr_t kContextStride = 0x1000;
constexpr unsigned kSupervisorExternal = 9;
constexpr unsigned kMaxContexts = 64;

struct HartContext {
  std::uint64_t hartid;
  unsigned context;
};

std::uintptr_t base;
unsigned num_sources;
HartContext contexts[kMaxContexts];
unsigned num_contexts;
int context_of_cpu[kMaxCpus];  // -1: this hart has no S-mode context
unsigned route_context;        // where device interrupts go
klib::SpinLockIrq enable_lock;

volatile std::uint32_t& reg(std::uintptr_t off) {
  return *reinterpret_cast<volatile std::uint32_t*>(base + off);
}

int context_of_hart(std::uint64_t hartid) {
  for (unsigned i = 0; i < num_contexts; ++i)
    if (contexts[i].hartid == hartid) return static_cast<int>(contexts[i].context);
  return -1;
}

void set_enabled(unsigned irq, bool on) {
  klib::SpinGuard guard(enable_lock);
  if (on) reg(kPriority + 4 * irq) = 1;
  volatile std::uint32_t& word = reg(kEnable + kEnableStride * route_context + 4 * (irq / 32));
  const std::uint32_t bit = 1u << (irq % 32);
  word = on ? (word | bit) : (word & ~bit);
}

unsigned claim() {
  const int ctx = context_of_cpu[hal::riscv::this_hart()->logical];
  if (ctx < 0) return 0;
  return reg(kContext + kContextStride * ctx + 4);
}

void complete(unsigned irq) {
  const int ctx = context_of_cpu[hal::riscv::this_hart()->logical];
  if (ctx >= 0) reg(kContext + kContextStride * ctx + 4) = irq;
}

void init_this_hart() {
  const int ctx = context_of_hart(hal::cpu_hwid());
  context_of_cpu[hal::riscv::this_hart()->logical] = ctx;
  if (ctx >= 0) reg(kContext + kContextStride * ctx) = 0;  // threshold: accept all
}

const hal::riscv::IrqChip kChip = {set_enabled, claim, complete, init_this_hart, 0};
hal::riscv::IrqChip chip;

// Collects (hart, S-mode context) pairs from interrupts-extended: entry i is
// context i, a <cpu-intc phandle, cause> pair.
void find_contexts(dt::Node node) {
  int len = 0;
  const auto* cells = static_cast<const fdt32_t*>(dt::prop(node, "interrupts-extended", &len));
  const int n = cells ? len / 8 : 0;
  for (int i = 0; i < n && num_contexts < kMaxContexts; ++i) {
    if (fdt32_to_cpu(cells[2 * i + 1]) != kSupervisorExternal) continue;
    const dt::Node intc = dt::by_phandle(fdt32_to_cpu(cells[2 * i]));
    if (!intc.valid()) continue;
    const dt::Node cpu{fdt_parent_offset(dt::blob(), intc.offset)};
    auto hartid = dt::prop_u32(cpu, "reg");
    if (!cpu.valid() || !hartid.ok()) continue;
    contexts[num_contexts++] = {*hartid, static_cast<unsigned>(i)};
  }
}

klib::Result<void> probe(dt::Node node) {
  if (base) return klib::Err(klib::Error::BUSY);  // one PLIC per system
  const dt::Range r = TRY(dt::reg(node));
  base = reinterpret_cast<std::uintptr_t>(TRY(hal::map_mmio(r.base, r.size)));
  num_sources = dt::prop_u32(node, "riscv,ndev").value_or(1023) + 1;
  if (num_sources > 1024) num_sources = 1024;
  find_contexts(node);
  for (int& c : context_of_cpu) c = -1;
  const int boot_ctx = context_of_hart(hal::cpu_hwid());
  if (boot_ctx < 0) return klib::Err(klib::Error::NODEV);
  route_context = static_cast<unsigned>(boot_ctx);
  // Everything off until a driver asks: priorities 0, no enables on any
  // S-mode context we know.
  for (unsigned irq = 1; irq < num_sources; ++irq) reg(kPriority + 4 * irq) = 0;
  for (unsigned i = 0; i < num_contexts; ++i)
    for (unsigned w = 0; w < (num_sources + 31) / 32; ++w)
      reg(kEnable + kEnableStride * contexts[i].context + 4 * w) = 0;
  chip = kChip;
  chip.num_irqs = num_sources;
  hal::riscv::set_irqchip(&chip);
  klib::printk("plic: %u sources, %u S-mode contexts, devices routed to context %u\n",
               num_sources - 1, num_contexts, route_context);
  return klib::ok();
}

}  // namespace

FUSION_DRIVER(plic, kernel::DriverStage::IrqChip, probe, "sifive,plic-1.0.0", "riscv,plic0");
