// State the early boot mapper (boot/early_mmu.cpp) leaves for the runtime mmu
// code: the root table and the RAM ranges that are direct-mapped.
#pragma once

#include <cstdint>

extern "C" {
extern std::uint64_t riscv_va_pa_offset;
extern std::uint64_t riscv_boot_satp;
extern char __kernel_start[], __text_end[], __rodata_end[], __kernel_end[];
}

namespace hal::riscv {

struct RamRange {
  std::uint64_t start, end;  // physical, page aligned
};
inline constexpr unsigned kMaxRamRanges = 16;

extern std::uint64_t root_table_pa;
extern RamRange ram_ranges[kMaxRamRanges];
extern unsigned ram_range_count;

}  // namespace hal::riscv
