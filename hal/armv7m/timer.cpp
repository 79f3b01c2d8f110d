// hal/timer.hpp on ARMv7-M: forwarded to whichever timer driver registered
// (SysTick is too narrow for a 64-bit clock on its own); zero until then.
#include <hal/arch/armv7m.hpp>
#include <hal/timer.hpp>

namespace hal {
namespace {
const arch::TimerOps* g_ops;
}

void arch::timer_register(const TimerOps* ops) { g_ops = ops; }

std::uint64_t timer_ticks() { return g_ops ? g_ops->ticks() : 0; }
std::uint64_t timer_frequency_hz() { return g_ops ? g_ops->frequency_hz : 1; }

void timer_set_oneshot(std::uint64_t deadline_ticks) {
  if (g_ops) g_ops->set_oneshot(deadline_ticks);
}

void timer_cancel() {
  if (g_ops) g_ops->cancel();
}

}  // namespace hal
