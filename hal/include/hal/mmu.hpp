// Kernel address space: all RAM is direct-mapped at hal::kDirectMapBase
// (defined in <hal/arch/mmu_layout.hpp>), the kernel image lives at
// hal::kKernelBase with W^X sections, MMIO is mapped on demand.
#pragma once

#include <cstddef>
#include <cstdint>

#include <hal/arch/mmu_layout.hpp>
#include <klib/result.hpp>

namespace hal {

using PhysAddr = std::uint64_t;

inline void* phys_to_virt(PhysAddr pa) { return reinterpret_cast<void*>(pa + kDirectMapBase); }
PhysAddr virt_to_phys(const void* va);  // direct map or kernel image

// Maps `size` bytes of device memory (uncached, never executable); returns the
// kernel virtual address or NOMEM when the MMIO window is full.
klib::Result<void*> map_mmio(PhysAddr pa, std::size_t size);

// Adds a RAM range to the direct map (normal memory, RW, never executable).
// Called by the boot code for every /memory range before mm is initialised.
klib::Result<void> map_ram(PhysAddr start, PhysAddr end);

// Makes a kernel stack page inaccessible so an overflow faults (guard page).
void unmap_kernel_page(void* va);

}  // namespace hal
