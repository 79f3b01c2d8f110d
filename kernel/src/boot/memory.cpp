// Physical memory discovery: RAM from every devicetree node of device_type
// "memory", minus /reserved-memory, /memreserve/ entries, the kernel image,
// the DTB and the initrd; the rest goes to the buddy allocator.
#include <hal/mmu.hpp>
#include <kernel/boot.hpp>
#include <kernel/dt.hpp>
#include <klib/assert.hpp>
#include <klib/printk.hpp>
#include <mm/heap.hpp>

extern "C" {
#include <libfdt.h>
}

extern "C" char __kernel_start[];
extern "C" char __kernel_end[];

namespace kernel {
namespace {

// RAM and reserved ranges from the devicetree (FUSION_MEM_RANGES each).
constexpr int kMaxRanges = FUSION_MEM_RANGES;

struct RangeSet {
  dt::Range r[kMaxRanges];
  int n = 0;

  void add(std::uint64_t base, std::uint64_t size) {
    if (size == 0) return;
    if (n == kMaxRanges) klib::panic("memory: more than %d ranges in the devicetree", kMaxRanges);
    r[n++] = {base, size};
  }
};

RangeSet g_ram;
RangeSet g_reserved;

void collect_ram() {
  for (dt::Node n = dt::first_child(dt::root()); n.valid(); n = dt::next_sibling(n)) {
    const char* type = dt::prop_string(n, "device_type");
    if (!type || __builtin_strcmp(type, "memory") != 0 || !dt::is_enabled(n)) continue;
    for (int i = 0;; ++i) {
      auto r = dt::reg(n, i);
      if (!r.ok()) break;
      g_ram.add(r->base, r->size);
    }
  }
}

// fusion.mem=SIZE (Linux's mem=): keep only the lowest SIZE bytes of RAM,
// so a board whose RAM size is fixed (QEMU raspi3b) runs with less.
void apply_mem_limit(std::uint64_t limit) {
  if (!limit) return;
  RangeSet kept;
  bool taken[kMaxRanges] = {};
  for (int k = 0; k < g_ram.n; ++k) {
    int lowest = -1;
    for (int i = 0; i < g_ram.n; ++i)
      if (!taken[i] && (lowest < 0 || g_ram.r[i].base < g_ram.r[lowest].base)) lowest = i;
    taken[lowest] = true;
    const std::uint64_t size = g_ram.r[lowest].size < limit ? g_ram.r[lowest].size : limit;
    kept.add(g_ram.r[lowest].base, size);
    limit -= size;
  }
  g_ram = kept;
}

std::uint64_t read_chosen_addr(const char* name) {
  int len = 0;
  const auto* p = static_cast<const fdt32_t*>(dt::prop(dt::find_path("/chosen"), name, &len));
  if (!p) return 0;
  return len == 8 ? (std::uint64_t{fdt32_to_cpu(p[0])} << 32) | fdt32_to_cpu(p[1])
                  : fdt32_to_cpu(p[0]);
}

void collect_reserved(std::uint64_t dtb_pa) {
  dt::Node resv = dt::find_path("/reserved-memory");
  if (resv.valid()) {
    for (dt::Node c = dt::first_child(resv); c.valid(); c = dt::next_sibling(c)) {
      auto r = dt::reg(c, 0);
      if (r.ok()) g_reserved.add(r->base, r->size);
    }
  }
  const int nrsv = fdt_num_mem_rsv(dt::blob());
  for (int i = 0; i < nrsv; ++i) {
    uint64_t addr = 0, size = 0;
    if (fdt_get_mem_rsv(dt::blob(), i, &addr, &size) == 0) g_reserved.add(addr, size);
  }
  const hal::PhysAddr kstart = hal::virt_to_phys(__kernel_start);
  g_reserved.add(kstart, hal::virt_to_phys(__kernel_end) - kstart);
  g_reserved.add(dtb_pa, fdt_totalsize(dt::blob()));
  const std::uint64_t initrd_start = read_chosen_addr("linux,initrd-start");
  const std::uint64_t initrd_end = read_chosen_addr("linux,initrd-end");
  if (initrd_end > initrd_start) g_reserved.add(initrd_start, initrd_end - initrd_start);
}

bool overlaps_reserved(std::uint64_t base, std::uint64_t end) {
  for (int i = 0; i < g_reserved.n; ++i) {
    const auto& r = g_reserved.r[i];
    if (base < r.base + r.size && r.base < end) return true;
  }
  return false;
}

// Calls fn(start, end) for each page-aligned piece of RAM not reserved.
template <typename Fn>
void for_each_free_piece(Fn&& fn) {
  for (int i = 0; i < g_ram.n; ++i) {
    std::uint64_t cursor = mm::page_align_up(g_ram.r[i].base);
    const std::uint64_t end = mm::page_align_down(g_ram.r[i].base + g_ram.r[i].size);
    while (cursor < end) {
      // Among reservations reaching past cursor, the one starting first.
      std::uint64_t next_start = end, next_end = end;
      for (int j = 0; j < g_reserved.n; ++j) {
        const std::uint64_t rb = mm::page_align_down(g_reserved.r[j].base);
        const std::uint64_t re = mm::page_align_up(g_reserved.r[j].base + g_reserved.r[j].size);
        if (re <= cursor || rb >= end) continue;
        if (rb < next_start || (rb == next_start && re > next_end)) {
          next_start = rb;
          next_end = re;
        }
      }
      if (next_start > cursor) fn(cursor, next_start);
      cursor = next_start > cursor ? next_start : next_end;
    }
  }
}

}  // namespace

void init_memory(std::uint64_t dtb_pa) {
  collect_ram();
  apply_mem_limit(boot_options().mem_limit);
  if (g_ram.n == 0) klib::panic("memory: no /memory node in the devicetree");
  collect_reserved(dtb_pa);

  std::uint64_t lo = ~0ull, hi = 0;
  for (int i = 0; i < g_ram.n; ++i) {
    const auto& r = g_ram.r[i];
    lo = r.base < lo ? r.base : lo;
    hi = r.base + r.size > hi ? r.base + r.size : hi;
    machine_info().ram_bytes += r.size;
    if (auto m = hal::map_ram(r.base, r.base + r.size); !m.ok())
      klib::panic("memory: cannot map RAM %llx: %s", static_cast<unsigned long long>(r.base),
                  klib::error_name(m.error()));
  }
  lo = mm::page_align_down(lo);
  hi = mm::page_align_up(hi);
  const std::size_t npages = (hi - lo) / mm::kPageSize;

  // Place the page descriptors in the first free piece big enough for them.
  const std::size_t desc_bytes = mm::page_align_up(mm::descriptor_bytes(npages));
  std::uint64_t desc_pa = 0;
  for_each_free_piece([&](std::uint64_t s, std::uint64_t e) {
    if (!desc_pa && e - s >= desc_bytes) desc_pa = s;
  });
  if (!desc_pa) klib::panic("memory: no room for %zu bytes of page descriptors", desc_bytes);
  g_reserved.add(desc_pa, desc_bytes);

  auto* descs = static_cast<mm::Page*>(hal::phys_to_virt(desc_pa));
  mm::heap_init(lo, npages, descs, hal::kDirectMapBase);
  for_each_free_piece([](std::uint64_t s, std::uint64_t e) {
    KASSERT(!overlaps_reserved(s, e));
    mm::page_allocator().add_free_range(s, e);
  });
  const std::size_t free_bytes = mm::page_allocator().free_pages() * mm::kPageSize;
  machine_info().reserved_bytes = machine_info().ram_bytes - free_bytes;
  klib::printk("memory: %llu MiB RAM in %d range(s), %zu KiB reserved, %zu MiB free\n",
               static_cast<unsigned long long>(machine_info().ram_bytes >> 20), g_ram.n,
               static_cast<std::size_t>(machine_info().reserved_bytes >> 10), free_bytes >> 20);
}

}  // namespace kernel
