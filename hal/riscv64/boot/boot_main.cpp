// riscv64 bring-up after the MMU is on: per-hart trap state for the boot hart
// and for secondaries started through SBI HSM, then into the kernel.
#include <hal/arch/csr.hpp>
#include <hal/arch/early.hpp>
#include <hal/arch/hart.hpp>
#include <hal/arch/riscv.hpp>
#include <hal/arch/sbi.hpp>
#include <hal/mmu.hpp>
#include <hal/smp.hpp>
#include <hal/upcalls.hpp>

extern "C" {
void riscv_trap_entry();
void riscv_secondary_entry();
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
}

namespace hal::riscv {

constinit HartLocal hart_local[kMaxCpus];  // no constructor may run after boot.S uses it

namespace {
// Trap stacks for reporting a kernel stack overflow (trap_entry.S switches to
// them when sp has run into a guard page).
constexpr std::size_t kEmergencyStackSize = 8192;
alignas(16) char emergency_stacks[kMaxCpus][kEmergencyStackSize];
}  // namespace

void hart_init(unsigned logical, std::uint64_t hartid) {
  HartLocal& h = hart_local[logical];
  h.hartid = hartid;
  h.logical = logical;
  h.emergency_sp =
      reinterpret_cast<std::uintptr_t>(emergency_stacks[logical]) + kEmergencyStackSize;
  asm volatile("mv gp, %0" ::"r"(&h));
  FUSION_CSR_WRITE(sscratch, 0);
  FUSION_CSR_WRITE(stvec, reinterpret_cast<std::uintptr_t>(&riscv_trap_entry));
  FUSION_CSR_CLEAR(sstatus, kSstatusFs | kSstatusSum);
  // Timer enable is left to hal::timer_set_oneshot; soft (IPI) and external
  // (PLIC) are always on, gated by sstatus.SIE.
  FUSION_CSR_WRITE(sie, kIrqSoft | kIrqExternal);
  __atomic_store_n(&h.online, 1, __ATOMIC_RELEASE);
}

}  // namespace hal::riscv

using namespace hal::riscv;

extern "C" [[noreturn]] void riscv_boot_main(std::uint64_t hartid, std::uint64_t dtb_pa) {
  // Global constructors (hal runs them, as on aarch64; the kernel does not).
  for (auto* fn = __init_array_start; fn != __init_array_end; ++fn) (*fn)();
  hart_init(0, hartid);
  hal::sbi::probe();
  kernel_main(dtb_pa);
}

extern "C" [[noreturn]] void riscv_secondary_main(std::uint64_t hartid) {
  const unsigned logical = static_cast<unsigned>(this_hart()->logical);
  hart_init(logical, hartid);
  kernel_secondary_main(logical);  // calls hal::secondary_cpu_init first
}

namespace hal {

klib::Result<void> cpu_start(unsigned logical, std::uint64_t hwid, std::uintptr_t stack_top) {
  if (logical == 0 || logical >= kMaxCpus) return klib::Err(klib::Error::INVAL);
  if (!sbi::info.hsm) return klib::Err(klib::Error::NOSYS);
  HartLocal& h = hart_local[logical];
  h.hartid = hwid;
  h.logical = logical;
  h.boot_sp = stack_top & ~std::uintptr_t{15};
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  const std::uint64_t entry_pa =
      virt_to_phys(reinterpret_cast<const void*>(&riscv_secondary_entry));
  const long err = sbi::hart_start(hwid, entry_pa, reinterpret_cast<std::uintptr_t>(&h));
  if (err != 0) return klib::Err(err == -3 ? klib::Error::INVAL : klib::Error::IO);
  return klib::ok();
}

std::uint64_t cpu_hwid() { return this_hart()->hartid; }

void secondary_cpu_init() { irqchip_init_this_hart(); }

}  // namespace hal
