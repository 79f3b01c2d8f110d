// The first C++ after reset (vectors.S has copied .data and zeroed .bss):
// exception priorities and fault enables, global constructors, the
// devicetree with the command line, then kernel_main.
//
// No firmware hands this board a DTB: the board's .dts is compiled into the
// image (fusion_builtin_dtb, cmake/kernel.cmake). The command line comes
// from semihosting (SYS_GET_CMDLINE: QEMU's -kernel path and -append) and
// is written into /chosen/bootargs of a RAM copy, as a boot loader would:
// in place, into the zero-filled property the build gives the board's DTB
// (bootargs.dtsi, FUSION_BOOTARGS_BYTES long), so libfdt's read side is all
// the image needs.
// Neither costs static RAM: the copy sits just above the image (the kernel
// reserves the DTB it is given), the command line is read into the top of
// RAM, which nothing uses before the memory manager starts.
#include <hal/arch/armv7m.hpp>
#include <hal/upcalls.hpp>

extern "C" {
#include <libfdt.h>
}

extern "C" {
extern char armv7m_vectors[];
extern const char fusion_builtin_dtb[];
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
extern char __kernel_end[], __ram_end[];
}

namespace hal::arch {
void mpu_init();
}

namespace {

using namespace hal::arch;

constexpr std::size_t kCmdlineMax = FUSION_BOOTARGS_BYTES;

void set_exception_priorities() {
  mmio_write32(kVtor, reinterpret_cast<std::uint32_t>(armv7m_vectors));
  // SVCall above the kernel's BASEPRI mask; PendSV lowest; SysTick a device.
  mmio_write32(kShpr2, std::uint32_t{kPrioSvc} << 24);
  mmio_write32(kShpr3, (std::uint32_t{kPrioIrq} << 24) | (std::uint32_t{kPrioPendSv} << 16));
  // MemManage, BusFault and UsageFault get their own vectors (and status)
  // instead of escalating; divide by zero traps.
  mmio_write32(kShcsr, mmio_read32(kShcsr) | (7u << 16));
  mmio_write32(kCcr, mmio_read32(kCcr) | (1u << 4));
  dsb();
  isb();
}

// Semihosting SYS_GET_CMDLINE; the first word is the kernel's file name.
const char* semihost_cmdline(char* buf, std::size_t size) {
  struct {
    char* buf;
    std::uint32_t len;
  } block{buf, static_cast<std::uint32_t>(size - 1)};
  constexpr std::uint32_t kSysGetCmdline = 0x15;
  if (semihost_call(kSysGetCmdline, &block) != 0) return "";
  buf[block.len < size ? block.len : size - 1] = '\0';
  const char* p = buf;
  while (*p && *p != ' ') ++p;
  while (*p == ' ') ++p;
  return p;
}

// A RAM copy of the built-in DTB with /chosen/bootargs set. The original is
// used as is when the copy cannot be made.
const void* devicetree_with_bootargs() {
  char* cmdline = __ram_end - kCmdlineMax;
  const char* args = semihost_cmdline(cmdline, kCmdlineMax);
  if (!*args || fdt_check_header(fusion_builtin_dtb) != 0) return fusion_builtin_dtb;
  auto* copy = reinterpret_cast<char*>((reinterpret_cast<std::uintptr_t>(__kernel_end) + 7) & ~7u);
  const std::size_t size = fdt_totalsize(fusion_builtin_dtb);
  if (copy + size > cmdline) return fusion_builtin_dtb;
  __builtin_memcpy(copy, fusion_builtin_dtb, size);
  const int chosen = fdt_path_offset(copy, "/chosen");
  int room = 0;
  auto* bootargs =
      chosen < 0 ? nullptr : static_cast<char*>(fdt_getprop_w(copy, chosen, "bootargs", &room));
  const std::size_t len = __builtin_strlen(args) + 1;
  if (!bootargs || len > static_cast<std::size_t>(room)) return fusion_builtin_dtb;
  __builtin_memcpy(bootargs, args, len);
  __builtin_memset(bootargs + len, 0, room - len);  // the rest of the room stays NUL
  return copy;
}

}  // namespace

extern "C" [[noreturn]] void armv7m_start() {
  set_exception_priorities();
  mpu_init();
  // Global constructors (plain initialisation only, by the style rules).
  for (auto* fn = __init_array_start; fn != __init_array_end; ++fn) (*fn)();
  kernel_main(reinterpret_cast<std::uintptr_t>(devicetree_with_bootargs()));
}
