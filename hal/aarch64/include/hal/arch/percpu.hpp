// hal's own per-CPU block, pointed to by TPIDR_EL1. The kernel's cpu_local
// pointer is its first field; the rest is what the exception vectors need
// before they can trust the stack (emergency stack for stack overflows).
#pragma once

#include <cstddef>
#include <cstdint>

namespace hal::arch {

inline constexpr unsigned kMaxCpus = 8;
inline constexpr std::size_t kEmergencyStackSize = 8192;

struct PerCpu {
  void* kernel_local;           // hal::cpu_local()
  std::uint64_t emergency_top;  // top of this CPU's overflow stack
  std::uint64_t scratch;        // vectors.S spills a register here
  std::uint64_t fault_sp;       // sp at the time of a stack-overflow fault
  std::uint64_t hwid;           // MPIDR_EL1 affinity bits
  unsigned logical;
};

// Offsets used by vectors.S.
static_assert(offsetof(PerCpu, emergency_top) == 8 && offsetof(PerCpu, scratch) == 16 &&
              offsetof(PerCpu, fault_sp) == 24);

inline PerCpu* this_cpu() {
  PerCpu* p;
  asm volatile("mrs %0, tpidr_el1" : "=r"(p));
  return p;
}

// Sets TPIDR_EL1 and VBAR_EL1 for the calling CPU (boot and secondary path).
void percpu_init(unsigned logical);
unsigned this_cpu_logical();
// MPIDR affinity of a started CPU (for SGI targeting); ~0 if unknown.
std::uint64_t hwid_of(unsigned logical);
// Number of logical CPUs hal has seen come up (boot CPU + started ones).
unsigned cpus_online();
// Records the MPIDR of a CPU about to be started (cpu_start).
void set_hwid(unsigned logical, std::uint64_t hwid);

}  // namespace hal::arch
