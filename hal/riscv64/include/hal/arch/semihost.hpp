// Semihosting: requests to a debugger or emulator (QEMU -semihosting-config
// enable=on) that is watching the hart. Used to end a QEMU run with an exit
// status on boards without a test finisher (sifive_u).
#pragma once

#include <cstdint>

#include <hal/trap.hpp>

namespace hal::riscv::semihost {

// Asks the host to exit with `status`. Returns only when no host answered.
void exit(int status);

// Trap hook: true if `frame` is the breakpoint of a semihosting call that no
// host took; the frame then resumes after it with the call failed (a0 = -1).
bool catch_unanswered(TrapFrame& frame);

}  // namespace hal::riscv::semihost
