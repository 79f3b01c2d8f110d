// MPU (PMSAv7) regions that give a no-MMU kernel W^X: the image in flash is
// read-only and executable (region 0), RAM is read-write and never
// executable (region 1). The background map (PRIVDEFENA) covers devices and
// the System Control Space. A write to flash (the image, vector table,
// built-in DTB) or a jump into RAM faults (MemManage) instead of silently
// corrupting or running data. Region 2 is the running thread's stack guard,
// switched with the thread (context_switch loads it from hal::Context).
#include <hal/arch/armv7m.hpp>

extern "C" char __text_start[], __ram_start[], __ram_end[];
extern "C" char __flash_size[], __ram_size[];  // memory.ld via kernel.ld

namespace hal::arch {
namespace {

constexpr std::uint32_t kRbarValid = 1u << 4;
constexpr std::uint32_t kRasrEnable = 1u << 0;
constexpr std::uint32_t kRasrCacheable = 1u << 17;
constexpr std::uint32_t kRasrXn = 1u << 28;
constexpr std::uint32_t kApPrivRo = 0b101u << 24;
constexpr std::uint32_t kApPrivRw = 0b001u << 24;
constexpr std::uint32_t kApNone = 0b000u << 24;
constexpr unsigned kGuardRegion = 2;
constexpr std::uint32_t kCtrlEnable = 1u << 0;
constexpr std::uint32_t kCtrlPrivDefEna = 1u << 2;

bool g_enabled;

// A region must be a power of two >= 32 bytes, aligned to its size.
bool encode(unsigned n, std::uintptr_t base, std::size_t size, std::uint32_t attrs,
            MpuRegion* out) {
  if (size < 32 || (size & (size - 1)) || (base & (size - 1))) return false;
  const unsigned size_field = static_cast<unsigned>(__builtin_ctz(size)) - 1;
  *out = {static_cast<std::uint32_t>(base) | kRbarValid | n,
          attrs | (size_field << 1) | kRasrEnable};
  return true;
}

bool region(unsigned n, std::uintptr_t base, std::size_t size, std::uint32_t attrs) {
  MpuRegion r;
  if (!encode(n, base, size, attrs, &r)) return false;
  mmio_write32(kMpuRbar, r.rbar);
  mmio_write32(kMpuRasr, r.rasr);
  return true;
}

}  // namespace

unsigned mpu_regions() { return g_enabled ? (mmio_read32(kMpuType) >> 8) & 0xff : 0; }

MpuRegion mpu_guard_region(std::uintptr_t base, std::size_t size) {
  MpuRegion r{kRbarValid | kGuardRegion, 0};
  if (!encode(kGuardRegion, base, size, kApNone | kRasrXn, &r)) r.rasr = 0;
  return r;
}

MpuRegion mpu_guard_off() {
  mmio_write32(kMpuRnr, kGuardRegion);
  const MpuRegion was{mmio_read32(kMpuRbar) | kRbarValid | kGuardRegion, mmio_read32(kMpuRasr)};
  mmio_write32(kMpuRasr, 0);
  dsb();
  isb();
  return was;
}

void mpu_guard_restore(MpuRegion r) {
  mmio_write32(kMpuRbar, r.rbar);
  mmio_write32(kMpuRasr, r.rasr);
  dsb();
  isb();
}

void mpu_init() {
  if (((mmio_read32(kMpuType) >> 8) & 0xff) < 2) return;  // no MPU: default map
  const auto flash = reinterpret_cast<std::uintptr_t>(__text_start);
  const auto flash_size =
      static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(__flash_size));
  const auto ram = reinterpret_cast<std::uintptr_t>(__ram_start);
  const auto ram_size = static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(__ram_size));
  if (!region(0, flash, flash_size, kApPrivRo | kRasrCacheable) ||
      !region(1, ram, ram_size, kApPrivRw | kRasrCacheable | kRasrXn))
    return;  // a board whose memory.ld the MPU cannot describe keeps the default map
  dsb();
  mmio_write32(kMpuCtrl, kCtrlEnable | kCtrlPrivDefEna);
  dsb();
  isb();
  g_enabled = true;
}

}  // namespace hal::arch
