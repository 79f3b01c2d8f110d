// hal/timer.hpp: the EL1 virtual timer (CNTV_*), compared against CNTVCT_EL0.
// The virtual timer works the same at EL1 with or without a hypervisor;
// arm_timer.cpp routes its PPI to kernel::on_timer_interrupt.
#include <hal/arch/sysreg.hpp>
#include <hal/timer.hpp>

namespace hal {

std::uint64_t timer_ticks() {
  arch::isb();  // no reading the counter ahead of earlier instructions
  return HAL_READ_SYSREG(cntvct_el0);
}

std::uint64_t timer_frequency_hz() { return HAL_READ_SYSREG(cntfrq_el0); }

void timer_set_oneshot(std::uint64_t deadline_ticks) {
  HAL_WRITE_SYSREG(cntv_cval_el0, deadline_ticks);
  HAL_WRITE_SYSREG(cntv_ctl_el0, 1);  // ENABLE, interrupt not masked
  arch::isb();
}

void timer_cancel() {
  HAL_WRITE_SYSREG(cntv_ctl_el0, 0);
  arch::isb();
}

}  // namespace hal
