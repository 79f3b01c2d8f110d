// ARMv7-M trap frame: the eight registers the hardware stacks on exception
// entry (r0-r3, r12, lr, pc, xPSR) plus r4-r11 and BASEPRI saved by the
// entry code, gathered in one struct for the fault reporter and for
// trap_frame_divert. The hardware frame itself stays on the interrupted
// thread's stack; hal/armv7m/frame.cpp copies it in and writes it back.
#pragma once

#include <cstdint>

namespace hal {

struct TrapFrame {
  std::uint32_t r[13];  // r0-r12 (r7 is the Thumb frame pointer)
  std::uint32_t sp;     // sp of the interrupted code (before the hardware frame)
  std::uint32_t lr;
  std::uint32_t pc;
  std::uint32_t xpsr;
  std::uint32_t basepri;     // the interrupted code's interrupt mask
  std::uint32_t exc_return;  // EXC_RETURN of the exception that built the frame
  // Fault status, read at fault entry (zero otherwise).
  std::uint32_t cfsr, hfsr, mmfar, bfar;
};

}  // namespace hal
