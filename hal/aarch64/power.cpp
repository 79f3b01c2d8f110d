// hal/power.hpp: semihosting exit first (QEMU -semihosting passes the status
// to the host), then the firmware's SYSTEM_OFF (PSCI), then halt.
#include <hal/arch/firmware.hpp>
#include <hal/cpu.hpp>
#include <hal/power.hpp>

namespace hal {

[[noreturn]] void poweroff(int status) {
  irq_disable();
  arch::semihost_exit(status);
  if (const arch::FirmwareOps* fw = arch::firmware(); fw && fw->system_off) fw->system_off();
  halt_forever();
}

}  // namespace hal
