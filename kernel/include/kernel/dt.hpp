// Devicetree access for drivers and boot code, a thin layer over libfdt.
// Nodes are libfdt offsets into the one DTB the firmware passed.
#pragma once

#include <cstddef>
#include <cstdint>

#include <klib/result.hpp>

namespace dt {

struct Node {
  int offset = -1;
  bool valid() const { return offset >= 0; }
};

struct Range {
  std::uint64_t base;
  std::uint64_t size;
};

// Installs the DTB (kernel virtual address); rejects a malformed blob.
klib::Result<void> init(const void* fdt);
const void* blob();

Node root();
Node find_path(const char* path);               // "/cpus", "/chosen"
Node first_compatible(const char* compatible);  // first node with status okay
Node next_compatible(Node after, const char* compatible);
bool is_compatible(Node n, const char* compatible);
bool is_enabled(Node n);  // status absent, "okay" or "ok"
const char* name(Node n);

// Raw property; nullptr when absent.
const void* prop(Node n, const char* prop_name, int* len = nullptr);
const char* prop_string(Node n, const char* prop_name);
klib::Result<std::uint32_t> prop_u32(Node n, const char* prop_name);

// reg entry `index`, decoded with the parent's #address-cells/#size-cells
// and translated to a CPU physical address through the buses' "ranges".
klib::Result<Range> reg(Node n, int index = 0);
// interrupts entry `index` converted to the controller's number: by the
// translator the interrupt parent's driver registered, else by convention
// (GIC: SPI n -> 32+n, PPI n -> 16+n; PLIC: the source number).
klib::Result<unsigned> irq(Node n, int index = 0);

// An interrupt controller driver whose specifiers follow no common
// convention (BCM283x: <bank number>) registers how to turn its cells
// (host byte order, #interrupt-cells of them) into its hal::irq number.
inline constexpr int kMaxIrqCells = 4;
using IrqTranslate = klib::Result<unsigned> (*)(const std::uint32_t* cells, int count);
klib::Result<void> set_irq_translate(Node controller, IrqTranslate fn);
Node by_phandle(std::uint32_t phandle);

// Iterates children of `parent`.
Node first_child(Node parent);
Node next_sibling(Node n);

}  // namespace dt
