// hal/power.hpp and semihosting: SYS_EXIT_EXTENDED hands the status to QEMU
// (-semihosting); without semihosting the CPU halts.
#include <hal/arch/armv7m.hpp>
#include <hal/cpu.hpp>
#include <hal/power.hpp>

extern "C" std::uint32_t armv7m_semihost_call(std::uint32_t op, const void* arg);

namespace hal::arch {

extern bool g_semihost_unavailable;  // trap.cpp: the bkpt faulted

bool semihost_available() { return !g_semihost_unavailable; }

std::uint32_t semihost_call(std::uint32_t op, const void* arg) {
  if (g_semihost_unavailable) return ~0u;
  return armv7m_semihost_call(op, arg);
}

}  // namespace hal::arch

namespace hal {

[[noreturn]] void poweroff(int status) {
  irq_disable();
  constexpr std::uint32_t kSysExitExtended = 0x20;
  constexpr std::uint32_t kApplicationExit = 0x20026;
  const std::uint32_t block[2] = {kApplicationExit, static_cast<std::uint32_t>(status)};
  arch::semihost_call(kSysExitExtended, block);
  halt_forever();
}

}  // namespace hal
