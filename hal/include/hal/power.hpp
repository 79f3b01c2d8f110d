// System power control: PSCI SYSTEM_OFF / SBI SRST / syscon-poweroff /
// sifive,test. `status` reaches the host as QEMU's exit code where the board
// allows (semihosting on aarch64, the sifive test finisher on riscv64).
#pragma once

namespace hal {

[[noreturn]] void poweroff(int status);

}  // namespace hal
