// Arm generic timer ("arm,armv8-timer"; "arm,armv7-timer" in 32-bit-era DTs
// such as BCM2837's, the same timer): routes the EL1 virtual timer's PPI
// (third "interrupts" entry) to kernel::on_timer_interrupt. Programming the
// deadline is hal/aarch64/timer.cpp; the GIC re-enables the PPI on every CPU.
#include <hal/arch/sysreg.hpp>
#include <hal/irq.hpp>
#include <hal/upcalls.hpp>
#include <kernel/driver.hpp>

namespace {

constexpr int kVirtualTimerIndex = 2;  // secure phys, non-secure phys, virt, hyp

void timer_irq(void*) {
  // The timer condition stays asserted until CVAL moves: disable it, and
  // let the kernel arm the next deadline (if any) from its handler.
  HAL_WRITE_SYSREG(cntv_ctl_el0, 0);
  hal::arch::isb();
  kernel::on_timer_interrupt();
}

klib::Result<void> arm_timer_probe(dt::Node node) {
  const unsigned intid = TRY(dt::irq(node, kVirtualTimerIndex));
  HAL_WRITE_SYSREG(cntv_ctl_el0, 0);
  TRY(hal::irq_attach(intid, timer_irq, nullptr));
  hal::irq_unmask(intid);
  return klib::ok();
}

}  // namespace

FUSION_DRIVER(arm_timer, kernel::DriverStage::Timer, arm_timer_probe, "arm,armv8-timer",
              "arm,armv7-timer");
