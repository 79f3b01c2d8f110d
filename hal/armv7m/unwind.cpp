// hal::unwind_step for Thumb-2: GCC's Thumb frame pointer (r7) does not form
// a linked chain of {fp, lr} records, so the backtrace scans the stack
// upwards for words that are return addresses: odd (Thumb), inside .text,
// and just after a BL or BLX instruction. A stale return address left in a
// dead stack slot can appear as an extra frame; the real ones are all there.
#include <hal/trap.hpp>

#include <cstdint>

extern "C" char __text_start[], __text_end[], __ram_start[], __ram_end[];

namespace hal {
namespace {

constexpr int kMaxScanWords = 512;

bool in_text(std::uintptr_t a) {
  return a >= reinterpret_cast<std::uintptr_t>(__text_start) &&
         a < reinterpret_cast<std::uintptr_t>(__text_end);
}

bool follows_call(std::uintptr_t ra) {
  if (!(ra & 1)) return false;
  const std::uintptr_t after = ra & ~std::uintptr_t{1};
  if (!in_text(after - 4)) return false;
  const auto* h = reinterpret_cast<const std::uint16_t*>(after);
  const bool bl = (h[-2] & 0xf800) == 0xf000 && (h[-1] & 0xd000) == 0xd000;
  const bool blx_reg = (h[-1] & 0xff87) == 0x4780;
  return bl || blx_reg;
}

}  // namespace

// `fp` is the scan position (a stack address); trap_frame_fp gives the
// faulting sp. Yields the return address minus its Thumb bit, so the
// reporter's "ra - 4" lands on the 32-bit BL.
bool unwind_step(std::uintptr_t& fp, std::uintptr_t& return_address) {
  const auto lo = reinterpret_cast<std::uintptr_t>(__ram_start);
  const auto hi = reinterpret_cast<std::uintptr_t>(__ram_end);
  std::uintptr_t p = (fp + 3) & ~std::uintptr_t{3};
  for (int n = 0; n < kMaxScanWords && p >= lo && p + 4 <= hi; ++n, p += 4) {
    const std::uintptr_t w = *reinterpret_cast<const std::uint32_t*>(p);
    if (follows_call(w)) {
      return_address = w & ~std::uintptr_t{1};
      fp = p + 4;
      return true;
    }
  }
  return false;
}

}  // namespace hal
