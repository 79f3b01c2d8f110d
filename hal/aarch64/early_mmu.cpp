// Boot page tables, built by the boot CPU with the MMU off while running at
// the physical load address. Everything here (and libfdt, which it calls to
// read /memory) is reached PC-relatively, and data accesses are aligned
// because Device memory rules apply until the MMU is on.
#include <libfdt.h>

#include <hal/arch/mmu_layout.hpp>

#include "pgtable.hpp"

extern "C" {
extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[], __data_start[],
    __kernel_end[], __bss_start[];
hal::arch::BootMmu aarch64_boot_mmu;
std::uint64_t aarch64_kernel_phys;
}

namespace {

using namespace hal::arch;

std::uint64_t read_cells(const fdt32_t* p, int cells) {
  std::uint64_t v = 0;
  for (int i = 0; i < cells; ++i) v = (v << 32) | fdt32_to_cpu(p[i]);
  return v;
}

// Direct-maps every /memory range the DTB lists; returns how many bytes.
std::uint64_t map_memory_nodes(const void* fdt, std::uint64_t root) {
  if (fdt_check_header(fdt) != 0) return 0;
  const int ac = fdt_address_cells(fdt, 0);
  const int sc = fdt_size_cells(fdt, 0);
  if (ac < 1 || ac > 2 || sc < 1 || sc > 2) return 0;
  std::uint64_t total = 0;
  int node = -1;
  while ((node = fdt_node_offset_by_prop_value(fdt, node, "device_type", "memory",
                                               sizeof("memory"))) >= 0) {
    int len = 0;
    const auto* reg = static_cast<const fdt32_t*>(fdt_getprop(fdt, node, "reg", &len));
    if (!reg) continue;
    const int entry_cells = ac + sc;
    for (int i = 0; (i + 1) * entry_cells * 4 <= len; ++i) {
      const std::uint64_t base = read_cells(reg + i * entry_cells, ac);
      const std::uint64_t size = read_cells(reg + i * entry_cells + ac, sc);
      if (size == 0 || base + size > hal::kDirectMapSize) continue;
      pt::map(root, hal::kDirectMapBase + base, base, size, pt::kKernelRw, true, true);
      total += size;
    }
  }
  return total;
}

std::uint64_t tcr_value() {
  std::uint64_t mmfr0;
  asm volatile("mrs %0, id_aa64mmfr0_el1" : "=r"(mmfr0));
  std::uint64_t ips = mmfr0 & 0xf;
  if (ips > 5) ips = 5;  // 48-bit PA is the most 4 KiB tables without LPA describe
  const std::uint64_t tsz = 64 - hal::kVaBits;
  // Both halves: inner/outer write-back cacheable walks, inner shareable;
  // TTBR0 4 KiB granule (TG0=0), TTBR1 4 KiB granule (TG1=2).
  return tsz | (1ull << 8) | (1ull << 10) | (3ull << 12) | (tsz << 16) | (1ull << 24) |
         (1ull << 26) | (3ull << 28) | (2ull << 30) | (ips << 32);
}

}  // namespace

// Called from boot.S with the MMU off. `load_pa` is where _start was loaded;
// at this point &symbol yields physical addresses.
extern "C" void aarch64_early_map(std::uint64_t dtb_pa, std::uint64_t load_pa) {
  aarch64_kernel_phys = load_pa;
  const auto pa = [](const char* sym) { return reinterpret_cast<std::uint64_t>(sym); };
  const auto va = [&](const char* sym) { return pa(sym) - load_pa + hal::kKernelBase; };

  const std::uint64_t root = pt::alloc_table(true);
  const std::uint64_t idmap = pt::alloc_table(true);

  // Kernel image, W^X: text RX, rodata R, data+bss RW, each 4 KiB aligned.
  pt::map(root, va(__text_start), pa(__text_start), pa(__text_end) - pa(__text_start),
          pt::kKernelText, false, true);
  pt::map(root, va(__rodata_start), pa(__rodata_start), pa(__rodata_end) - pa(__rodata_start),
          pt::kKernelRo, false, true);
  pt::map(root, va(__data_start), pa(__data_start), pa(__kernel_end) - pa(__data_start),
          pt::kKernelRw, false, true);

  // All RAM from /memory. Without a usable DTB only the image is mapped and
  // kernel_main's dt::init reports the problem.
  if (map_memory_nodes(reinterpret_cast<const void*>(dtb_pa), root) == 0) {
    pt::map(root, hal::kDirectMapBase + load_pa, load_pa, pa(__kernel_end) - load_pa, pt::kKernelRw,
            false, true);
  }

  // Identity map of the image so the instructions right after the MMU
  // switch still translate; TTBR0 walks are disabled again once running high.
  pt::map(idmap, load_pa, load_pa, pa(__kernel_end) - load_pa, pt::kKernelText, true, true);

  aarch64_boot_mmu = {pt::kMair, tcr_value(), idmap, root};

  // The tables and .bss were written with the MMU off (straight to memory);
  // drop any stale cache lines so the cached view after the switch agrees.
  for (std::uint64_t a = pa(__bss_start) & ~63ull; a < pa(__kernel_end); a += 64)
    asm volatile("dc ivac, %0" ::"r"(a) : "memory");
  asm volatile("dsb sy" ::: "memory");
}
