// What the exception entries in vectors.S hand to C: the hardware-stacked
// frame and the block the entry code pushed on MSP, plus conversion to and
// from hal::TrapFrame.
#pragma once

#include <hal/trap.hpp>

#include <cstdint>

namespace hal::arch {

struct HwFrame {
  std::uint32_t r0, r1, r2, r3, r12, lr, pc, xpsr;
};

struct EntryBlock {
  std::uint32_t basepri;
  std::uint32_t r4_r11[8];
  std::uint32_t exc_return;
};

inline constexpr std::uint32_t kXpsrThumb = 1u << 24;
inline constexpr std::uint32_t kXpsrStackAligned = 1u << 9;  // hardware added a pad word

// The full interrupted state.
TrapFrame capture(const HwFrame* hw, const EntryBlock* e);
// Writes a hardware frame for `f` below f.sp and f's r4-r11/basepri into
// the entry block; returns the PSP the exception return must use.
std::uint32_t commit(const TrapFrame& f, EntryBlock* e);

}  // namespace hal::arch
