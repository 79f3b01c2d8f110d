// Devicetree helpers over libfdt (the upstream library, built from the
// linux-source copy by tools/setup). Only lookups the kernel needs live here.
#include <kernel/dt.hpp>

extern "C" {
#include <libfdt.h>
}

namespace dt {
namespace {

const void* g_fdt = nullptr;

std::uint64_t read_cells(const fdt32_t* cells, int count) {
  std::uint64_t v = 0;
  for (int i = 0; i < count; ++i) v = (v << 32) | fdt32_to_cpu(cells[i]);
  return v;
}

// Maps a child-bus address of the bus node `bus` to a CPU physical address
// through the "ranges" of `bus` and its ancestors (SoC buses often sit at
// another address on their own side: BCM283x peripherals at 0x7e000000 are
// at 0x3f000000 for the CPU). An empty "ranges" is the identity. A bus
// without "ranges" ends the walk: its children's reg is not a CPU address
// (/cpus: MPIDR values) and is returned as it is.
klib::Result<std::uint64_t> translate_ranges(int bus, std::uint64_t addr) {
  while (bus > 0) {
    int len = 0;
    const auto* r = static_cast<const fdt32_t*>(fdt_getprop(g_fdt, bus, "ranges", &len));
    if (!r) return addr;
    const int up = fdt_parent_offset(g_fdt, bus);
    if (up < 0) return klib::Err(klib::Error::INVAL);
    if (len > 0) {
      const int cac = fdt_address_cells(g_fdt, bus);
      const int pac = fdt_address_cells(g_fdt, up);
      const int sc = fdt_size_cells(g_fdt, bus);
      if (cac < 1 || cac > 2 || pac < 1 || pac > 2 || sc < 1 || sc > 2)
        return klib::Err(klib::Error::INVAL);
      const int stride = cac + pac + sc;
      bool mapped = false;
      for (const fdt32_t* e = r; !mapped && (e - r + stride) * 4 <= len; e += stride) {
        const std::uint64_t child = read_cells(e, cac);
        const std::uint64_t size = read_cells(e + cac + pac, sc);
        if (addr >= child && addr - child < size) {
          addr = read_cells(e + cac, pac) + (addr - child);
          mapped = true;
        }
      }
      if (!mapped) return klib::Err(klib::Error::INVAL);  // outside every window
    }
    bus = up;
  }
  return addr;
}

struct IrqTranslator {
  int controller;
  IrqTranslate fn;
};
constexpr int kMaxTranslators = 8;
IrqTranslator g_translators[kMaxTranslators];
int g_num_translators;

}  // namespace

klib::Result<void> set_irq_translate(Node controller, IrqTranslate fn) {
  if (!controller.valid() || !fn) return klib::Err(klib::Error::INVAL);
  for (int i = 0; i < g_num_translators; ++i) {
    if (g_translators[i].controller == controller.offset) {
      g_translators[i].fn = fn;
      return klib::ok();
    }
  }
  if (g_num_translators == kMaxTranslators) return klib::Err(klib::Error::NOSPC);
  g_translators[g_num_translators++] = {controller.offset, fn};
  return klib::ok();
}

klib::Result<void> init(const void* fdt) {
  if (fdt_check_header(fdt) != 0) return klib::Err(klib::Error::INVAL);
  g_fdt = fdt;
  return klib::ok();
}

const void* blob() { return g_fdt; }

Node root() { return Node{0}; }

Node find_path(const char* path) { return Node{fdt_path_offset(g_fdt, path)}; }

bool is_enabled(Node n) {
  const char* status = prop_string(n, "status");
  return !status || !__builtin_strcmp(status, "okay") || !__builtin_strcmp(status, "ok");
}

Node next_compatible(Node after, const char* compatible) {
  int off = after.offset;
  for (;;) {
    off = fdt_node_offset_by_compatible(g_fdt, off, compatible);
    if (off < 0) return Node{off};
    if (is_enabled(Node{off})) return Node{off};
  }
}

Node first_compatible(const char* compatible) { return next_compatible(Node{-1}, compatible); }

bool is_compatible(Node n, const char* compatible) {
  return fdt_node_check_compatible(g_fdt, n.offset, compatible) == 0;
}

const char* name(Node n) { return fdt_get_name(g_fdt, n.offset, nullptr); }

const void* prop(Node n, const char* prop_name, int* len) {
  if (!n.valid()) return nullptr;
  return fdt_getprop(g_fdt, n.offset, prop_name, len);
}

const char* prop_string(Node n, const char* prop_name) {
  int len = 0;
  const char* s = static_cast<const char*>(prop(n, prop_name, &len));
  // Reject strings that are not NUL-terminated inside the property.
  if (!s || len <= 0 || s[len - 1] != '\0') return nullptr;
  return s;
}

klib::Result<std::uint32_t> prop_u32(Node n, const char* prop_name) {
  int len = 0;
  const void* p = prop(n, prop_name, &len);
  if (!p) return klib::Err(klib::Error::NOENT);
  if (len < 4) return klib::Err(klib::Error::INVAL);
  return fdt32_ld(static_cast<const fdt32_t*>(p));
}

klib::Result<Range> reg(Node n, int index) {
  const int parent = fdt_parent_offset(g_fdt, n.offset);
  if (parent < 0) return klib::Err(klib::Error::INVAL);
  const int ac = fdt_address_cells(g_fdt, parent);
  const int sc = fdt_size_cells(g_fdt, parent);
  if (ac < 1 || ac > 2 || sc < 0 || sc > 2) return klib::Err(klib::Error::INVAL);
  int len = 0;
  const auto* cells = static_cast<const fdt32_t*>(prop(n, "reg", &len));
  if (!cells) return klib::Err(klib::Error::NOENT);
  const int stride = ac + sc;
  if (static_cast<int>((index + 1) * stride * sizeof(fdt32_t)) > len)
    return klib::Err(klib::Error::NOENT);
  const fdt32_t* entry = cells + index * stride;
  const std::uint64_t base = TRY(translate_ranges(parent, read_cells(entry, ac)));
  return Range{base, read_cells(entry + ac, sc)};
}

Node by_phandle(std::uint32_t phandle) { return Node{fdt_node_offset_by_phandle(g_fdt, phandle)}; }

klib::Result<unsigned> irq(Node n, int index) {
  // The interrupt parent is the nearest interrupt-parent property up the tree.
  Node parent{-1};
  for (int off = n.offset; off >= 0; off = fdt_parent_offset(g_fdt, off)) {
    auto ph = prop_u32(Node{off}, "interrupt-parent");
    if (ph.ok()) {
      parent = by_phandle(*ph);
      break;
    }
  }
  if (!parent.valid()) return klib::Err(klib::Error::NOENT);
  auto cells_r = prop_u32(parent, "#interrupt-cells");
  if (!cells_r.ok()) return klib::Err(klib::Error::INVAL);
  const int cells = static_cast<int>(*cells_r);
  int len = 0;
  const auto* spec = static_cast<const fdt32_t*>(prop(n, "interrupts", &len));
  if (!spec) return klib::Err(klib::Error::NOENT);
  if (cells < 1 || static_cast<int>((index + 1) * cells * sizeof(fdt32_t)) > len)
    return klib::Err(klib::Error::NOENT);
  const fdt32_t* entry = spec + index * cells;
  for (int i = 0; i < g_num_translators; ++i) {
    if (g_translators[i].controller != parent.offset) continue;
    std::uint32_t host[kMaxIrqCells];
    if (cells > kMaxIrqCells) return klib::Err(klib::Error::INVAL);
    for (int c = 0; c < cells; ++c) host[c] = fdt32_to_cpu(entry[c]);
    return g_translators[i].fn(host, cells);
  }
  if (cells >= 3) {
    // Arm GIC binding: <type number flags>, type 0 = SPI, 1 = PPI.
    const std::uint32_t type = fdt32_to_cpu(entry[0]);
    const std::uint32_t number = fdt32_to_cpu(entry[1]);
    return type == 0 ? 32 + number : 16 + number;
  }
  return fdt32_to_cpu(entry[0]);  // PLIC and other one-cell controllers
}

Node first_child(Node parent) { return Node{fdt_first_subnode(g_fdt, parent.offset)}; }
Node next_sibling(Node n) { return Node{fdt_next_subnode(g_fdt, n.offset)}; }

}  // namespace dt
