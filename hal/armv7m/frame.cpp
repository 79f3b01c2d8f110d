// hal::TrapFrame <-> the split state an ARMv7-M exception leaves: eight
// registers stacked by hardware on the interrupted stack, the rest saved by
// vectors.S on MSP.
#include "frame.hpp"

namespace hal::arch {

TrapFrame capture(const HwFrame* hw, const EntryBlock* e) {
  TrapFrame f{};
  f.r[0] = hw->r0;
  f.r[1] = hw->r1;
  f.r[2] = hw->r2;
  f.r[3] = hw->r3;
  for (int i = 0; i < 8; ++i) f.r[4 + i] = e->r4_r11[i];
  f.r[12] = hw->r12;
  f.lr = hw->lr;
  f.pc = hw->pc;
  f.xpsr = hw->xpsr;
  f.sp = reinterpret_cast<std::uint32_t>(hw + 1) + ((hw->xpsr & kXpsrStackAligned) ? 4 : 0);
  f.basepri = e->basepri;
  f.exc_return = e->exc_return;
  return f;
}

std::uint32_t commit(const TrapFrame& f, EntryBlock* e) {
  std::uint32_t at = f.sp - sizeof(HwFrame);
  std::uint32_t xpsr = f.xpsr & ~kXpsrStackAligned;
  if (at & 4) {  // the hardware keeps frames 8-byte aligned and notes the pad
    at -= 4;
    xpsr |= kXpsrStackAligned;
  }
  auto* hw = reinterpret_cast<HwFrame*>(at);
  *hw = HwFrame{f.r[0], f.r[1], f.r[2], f.r[3], f.r[12], f.lr, f.pc, xpsr};
  for (int i = 0; i < 8; ++i) e->r4_r11[i] = f.r[4 + i];
  e->basepri = f.basepri;
  return at;
}

}  // namespace hal::arch
