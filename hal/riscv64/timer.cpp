// riscv64 one-shot timer on the time CSR: the Sstc stimecmp CSR when the ISA
// string lists it, else the SBI TIME extension. sie.STIE is the on/off switch:
// set when a deadline is programmed, cleared when it fires or is cancelled, so
// a stale pending bit (SBI keeps STIP until the next set_timer) never storms.
#include <hal/arch/csr.hpp>
#include <hal/arch/riscv.hpp>
#include <hal/arch/sbi.hpp>
#include <hal/timer.hpp>
#include <hal/upcalls.hpp>

namespace hal {
namespace {
std::uint64_t frequency = 10'000'000;  // QEMU virt's timebase until the DT says otherwise
bool sstc = false;
}  // namespace

std::uint64_t timer_ticks() { return riscv::read_time(); }
std::uint64_t timer_frequency_hz() { return frequency; }

void timer_set_oneshot(std::uint64_t deadline) {
  if (sstc)
    asm volatile("csrw 0x14d, %0" ::"r"(deadline) : "memory");  // stimecmp
  else
    sbi::set_timer(deadline);
  FUSION_CSR_SET(sie, riscv::kIrqTimer);
}

void timer_cancel() { FUSION_CSR_CLEAR(sie, riscv::kIrqTimer); }

namespace riscv {

void timer_configure(std::uint64_t frequency_hz, bool use_sstc) {
  if (frequency_hz) frequency = frequency_hz;
  sstc = use_sstc;
}

bool timer_uses_sstc() { return sstc; }

void handle_timer_interrupt() {
  FUSION_CSR_CLEAR(sie, kIrqTimer);
  kernel::on_timer_interrupt();
}

}  // namespace riscv
}  // namespace hal
