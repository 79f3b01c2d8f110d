// Semihosting calls over riscv_semihost_call (semihost.S); see semihost.hpp.
#include <hal/arch/semihost.hpp>
#include <hal/arch/trap_frame.hpp>

extern "C" {
long riscv_semihost_call(long op, const void* arg);
extern char riscv_semihost_ebreak[];
}

namespace hal::riscv::semihost {
namespace {
constexpr long kSysExit = 0x18;
constexpr std::uint64_t kApplicationExit = 0x20026;  // ADP_Stopped_ApplicationExit
constexpr unsigned kBreakpoint = 3;                  // scause
constexpr unsigned kA0 = 10;
}  // namespace

void exit(int status) {
  // RV64 SYS_EXIT takes a parameter block: reason, then the exit status.
  const std::uint64_t block[2] = {kApplicationExit, static_cast<std::uint64_t>(status)};
  riscv_semihost_call(kSysExit, block);
}

bool catch_unanswered(TrapFrame& f) {
  if (f.scause != kBreakpoint || f.sepc != reinterpret_cast<std::uintptr_t>(riscv_semihost_ebreak))
    return false;
  f.x[kA0] = static_cast<std::uint64_t>(-1);
  f.sepc += 4;
  return true;
}

}  // namespace hal::riscv::semihost
