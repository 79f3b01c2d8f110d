// The first C++ after the MMU is on (boot CPU and secondaries): hal per-CPU
// state, exception vectors, dropping the boot identity map, then the kernel.
#include <atomic>

#include <hal/arch/irqchip.hpp>
#include <hal/arch/percpu.hpp>
#include <hal/arch/sysreg.hpp>
#include <hal/upcalls.hpp>

extern "C" {
extern char aarch64_vectors[];
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
// Stack tops for starting CPUs, read by boot.S after its MMU is on.
std::uint64_t aarch64_secondary_stacks[hal::arch::kMaxCpus];
}

namespace hal::arch {
void user_cpu_init();  // user_mmu.cpp
namespace {

PerCpu g_percpu[kMaxCpus];
alignas(16) std::uint8_t g_emergency_stacks[kMaxCpus][kEmergencyStackSize];
std::atomic<unsigned> g_online{0};

// TTBR0 held the identity map only for the MMU switch; from now on it holds
// the empty kernel-only table or a user table (user_mmu.cpp).
void drop_identity_map() { user_cpu_init(); }

}  // namespace

void percpu_init(unsigned logical) {
  PerCpu& p = g_percpu[logical];
  p.logical = logical;
  p.hwid = HAL_READ_SYSREG(mpidr_el1) & 0xff00ffffffull;
  p.emergency_top = reinterpret_cast<std::uint64_t>(g_emergency_stacks[logical + 1]);
  HAL_WRITE_SYSREG(tpidr_el1, reinterpret_cast<std::uint64_t>(&p));
  HAL_WRITE_SYSREG(vbar_el1, reinterpret_cast<std::uint64_t>(aarch64_vectors));
  // FP/SIMD never traps (CPACR_EL1.FPEN = 0b11): the kernel is built
  // -mgeneral-regs-only, and context_switch saves the registers of the
  // application threads that use them. TPIDR_EL0 is the thread pointer of
  // those threads; kernel threads have 0.
  HAL_WRITE_SYSREG(cpacr_el1, HAL_READ_SYSREG(cpacr_el1) | (3ull << 20));
  HAL_WRITE_SYSREG(tpidr_el0, 0ull);
  isb();
  g_online.fetch_add(1, std::memory_order_relaxed);
}

unsigned this_cpu_logical() { return this_cpu()->logical; }

std::uint64_t hwid_of(unsigned logical) {
  return logical < kMaxCpus ? g_percpu[logical].hwid : ~0ull;
}

void set_hwid(unsigned logical, std::uint64_t hwid) { g_percpu[logical].hwid = hwid; }

unsigned cpus_online() { return g_online.load(std::memory_order_relaxed); }

}  // namespace hal::arch

extern "C" [[noreturn]] void aarch64_boot_high(std::uint64_t dtb_pa) {
  hal::arch::percpu_init(0);
  hal::arch::drop_identity_map();
  // Global constructors (plain initialisation only, by the style rules).
  for (auto* fn = __init_array_start; fn != __init_array_end; ++fn) (*fn)();
  kernel_main(dtb_pa);
}

extern "C" [[noreturn]] void aarch64_secondary_high(unsigned logical) {
  hal::arch::percpu_init(logical);
  hal::arch::drop_identity_map();
  kernel_secondary_main(logical);  // calls hal::secondary_cpu_init() first
}
