// riscv64 power-off: the best registered device method (sifive,test finisher
// carries the exit status to QEMU; syscon-poweroff), then a semihosting exit
// (carries the status where QEMU has no finisher, e.g. sifive_u; a no-op
// without a host), then SBI SRST.
#include <hal/arch/riscv.hpp>
#include <hal/arch/sbi.hpp>
#include <hal/arch/semihost.hpp>
#include <hal/cpu.hpp>
#include <hal/power.hpp>

namespace hal {
namespace {
void (*best_fn)(int);
int best_priority = -1;
}  // namespace

namespace riscv {
void register_poweroff(int priority, void (*fn)(int status)) {
  if (priority > best_priority) {
    best_priority = priority;
    best_fn = fn;
  }
}
}  // namespace riscv

[[noreturn]] void poweroff(int status) {
  irq_disable();
  if (best_fn) best_fn(status);
  riscv::semihost::exit(status);
  sbi::shutdown(status != 0);
  halt_forever();
}

}  // namespace hal
