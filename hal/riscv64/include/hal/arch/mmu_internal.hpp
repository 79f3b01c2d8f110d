// riscv64 mmu queries used by the trap code (hal/riscv64/mmu.cpp).
#pragma once

#include <cstdint>

namespace hal::riscv {

// The page holding `va` was made a guard page by unmap_kernel_page (or is the
// boot stack's guard).
bool is_guard_page(std::uintptr_t va);
// `va` is mapped readable in the kernel page tables (safe to load from).
bool is_kernel_readable(std::uintptr_t va);

}  // namespace hal::riscv
