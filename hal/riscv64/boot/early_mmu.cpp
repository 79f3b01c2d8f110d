// The boot hart's first C++: builds the kernel page tables while running at
// the physical load address with the MMU off. Only PC-relative code may run
// here (medany, no jump tables, no pointers stored in data). /memory is read
// with libfdt, whose code is just as position independent.
#include <cstdint>

#include <libfdt.h>
#include <hal/arch/early.hpp>
#include <hal/arch/mmu_layout.hpp>
#include <hal/arch/pt.hpp>

extern "C" {
extern char __kernel_start[], __text_end[], __rodata_end[], __kernel_end[];
extern char riscv_boot_stack_guard[];

std::uint64_t riscv_va_pa_offset;  // kernel image VA - PA
std::uint64_t riscv_boot_satp;     // what every hart writes to satp
}

namespace hal::riscv {
std::uint64_t root_table_pa;
RamRange ram_ranges[kMaxRamRanges];
unsigned ram_range_count;
}  // namespace hal::riscv

namespace {

using namespace hal::riscv;

std::uint64_t read_cells(const fdt32_t* p, int cells) {
  std::uint64_t v = 0;
  for (int i = 0; i < cells; ++i) v = (v << 32) | fdt32_to_cpu(p[i]);
  return v;
}

void add_ram(const pt::Mapper& m, std::uint64_t base, std::uint64_t size) {
  // Only whole pages, and only what the direct map window can hold.
  const std::uint64_t start = (base + 4095) & ~4095ull;
  std::uint64_t end = (base + size) & ~4095ull;
  if (end > hal::kDirectMapSize) end = hal::kDirectMapSize;
  if (start >= end || ram_range_count == kMaxRamRanges) return;
  if (!pt::map_range(m, root_table_pa, hal::kDirectMapBase + start, start, end - start,
                     pt::kKernelRW, true))
    return;
  ram_ranges[ram_range_count++] = {start, end};
}

}  // namespace

extern "C" std::uint64_t riscv_early_mmu(std::uint64_t /*hartid*/, std::uint64_t dtb_pa) {
  const pt::Mapper m{0, 0};  // MMU off: symbols are physical, tables used in place
  const std::uint64_t load_pa = reinterpret_cast<std::uintptr_t>(__kernel_start);
  riscv_va_pa_offset = hal::kKernelBase + hal::kKernelTextOffset - load_pa;
  root_table_pa = pt::alloc_table(m);

  // The image, page by page with its section's permissions (W^X).
  const std::uint64_t text_end = reinterpret_cast<std::uintptr_t>(__text_end);
  const std::uint64_t rodata_end = reinterpret_cast<std::uintptr_t>(__rodata_end);
  const std::uint64_t guard = reinterpret_cast<std::uintptr_t>(riscv_boot_stack_guard);
  const std::uint64_t end = reinterpret_cast<std::uintptr_t>(__kernel_end);
  for (std::uint64_t pa = load_pa; pa < end; pa += 4096) {
    const std::uint64_t va = pa + riscv_va_pa_offset;
    if (pa == guard) {
      if (std::uint64_t* pte = pt::walk(m, root_table_pa, va, 0, true, nullptr))
        *pte = pt::kGuardMarker;
      continue;
    }
    const std::uint64_t flags = pa < text_end     ? pt::kKernelRX
                                : pa < rodata_end ? pt::kKernelRO
                                                  : pt::kKernelRW;
    pt::map_range(m, root_table_pa, va, pa, 4096, flags, false);
  }

  // The direct map: every /memory range (the kernel's mm later subtracts
  // /reserved-memory; mapping firmware RAM is harmless, PMP guards it).
  const void* fdt = reinterpret_cast<const void*>(dtb_pa);
  if (fdt_check_header(fdt) == 0) {
    const int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0);
    for (int node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", 7); node >= 0;
         node = fdt_node_offset_by_prop_value(fdt, node, "device_type", "memory", 7)) {
      int len = 0;
      const auto* reg = static_cast<const fdt32_t*>(fdt_getprop(fdt, node, "reg", &len));
      if (!reg || ac <= 0 || sc < 0) continue;
      const int entry = ac + sc;
      for (int i = 0; (i + 1) * entry * 4 <= len; ++i)
        add_ram(m, read_cells(reg + i * entry, ac), read_cells(reg + i * entry + ac, sc));
    }
  }
  // No usable /memory: map 256 MiB from the 2 MiB-aligned base below the
  // image, enough to keep booting and report the problem.
  if (ram_range_count == 0)
    add_ram(m, (load_pa - hal::kKernelTextOffset) & ~0x1fffffull, 256 << 20);

  riscv_boot_satp = pt::kSatpSv39 | (root_table_pa >> 12);
  return riscv_boot_satp;
}
