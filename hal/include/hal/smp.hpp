// Secondary CPU bring-up: PSCI CPU_ON on aarch64, SBI HSM hart_start on riscv64.
#pragma once

#include <cstdint>

#include <kernel/dt.hpp>
#include <klib/result.hpp>

namespace hal {

// Whether the CPU that the /cpus child `cpu` describes can run this kernel.
// Firmware may list cores the kernel must leave alone even with status
// "okay": the FU540's E51 monitor hart has no MMU and no S-mode. Such CPUs
// are neither counted nor started.
bool cpu_node_usable(dt::Node cpu);

// Starts the CPU with hardware id `hwid` (MPIDR affinity / hart id). It enters
// the kernel at its physical entry, turns its MMU on with the kernel page
// tables, switches to `stack_top` and calls kernel_secondary_main(logical).
klib::Result<void> cpu_start(unsigned logical, std::uint64_t hwid, std::uintptr_t stack_top);

// Leaves the CPU `cpu` describes unused but quiet: one the firmware keeps
// spinning (spin-table) is moved into a low-power halt, one it keeps off
// (PSCI, SBI HSM) stays off. For CPUs the kernel will not start
// (fusion.maxcpus), so they do not burn their core's cycles or a host's.
void cpu_park(dt::Node cpu);

// Hardware id of the calling CPU (used to find the boot CPU in /cpus).
std::uint64_t cpu_hwid();

}  // namespace hal

namespace hal {
// Per-CPU hardware setup on a secondary CPU, called first thing in
// kernel_secondary_main: its interrupt controller interface (GIC CPU
// interface / redistributor, PLIC context threshold), its timer interrupt.
void secondary_cpu_init();
}  // namespace hal
