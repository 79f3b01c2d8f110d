// hal::trap_frame_divert, PendSV preemption and the SVCall that resumes a
// diverted frame.
//
// Interrupt handlers run in Handler mode, where the scheduler must not
// switch stacks. So every interrupt pends PendSV (lowest priority: it runs
// when the last handler returns to a thread), and PendSV diverts the
// interrupted thread into armv7m_divert_trampoline in Thread mode, which
// calls kernel::on_irq_exit (may switch threads) and kernel::on_irq_return
// (signals) exactly where other ports call them at the end of an IRQ. The
// trampoline then executes `svc`, and SVCall restores the saved frame with a
// real exception return (xPSR, IT state and all).
#include <hal/arch/armv7m.hpp>
#include <hal/cpu.hpp>
#include <hal/trap.hpp>
#include <hal/upcalls.hpp>

#include <cstddef>
#include <cstdint>

#include "frame.hpp"

extern "C" {
void armv7m_divert_trampoline();
extern char armv7m_divert_svc[];
}

namespace hal {
namespace {

struct DivertBlock {
  TrapFrame saved;  // offset 0: the trampoline passes it to fn
  void (*fn)(void*);
  void* arg;
};
static_assert(offsetof(DivertBlock, fn) == 92 && offsetof(DivertBlock, arg) == 96);

// Room left below the interrupted sp (or the running code's sp) for what
// may still be live there.
constexpr std::uintptr_t kSlack = 64;

std::uintptr_t current_sp() {
  std::uintptr_t sp;
  asm volatile("mov %0, sp" : "=r"(sp));
  return sp;
}

// The trampoline's target for PendSV: the end-of-interrupt work, in Thread
// mode on the interrupted thread's stack, interrupts masked as an IRQ's
// tail would have them.
void preempt_point(void*, TrapFrame* saved) {
  irq_disable();
  kernel::on_irq_exit();
  kernel::on_irq_return(saved);
}

}  // namespace

void trap_frame_divert(TrapFrame& f, void (*fn)(void*), void* arg) {
  std::uintptr_t base = f.sp;
  // In Thread mode (a divert of an already diverted frame) the running code
  // sits below f.sp: go below it too. In Handler mode sp is MSP: unrelated.
  if (arch::read_ipsr() == 0 && current_sp() < base) base = current_sp();
  const std::uintptr_t at = (base - kSlack - sizeof(DivertBlock)) & ~std::uintptr_t{7};
  auto* b = reinterpret_cast<DivertBlock*>(at);
  b->saved = f;
  b->fn = fn;
  b->arg = arg;
  f.r[0] = at;
  f.sp = at;
  f.lr = 0;  // the trampoline never returns
  trap_frame_set_pc(f, reinterpret_cast<std::uintptr_t>(&armv7m_divert_trampoline));
  f.basepri = 0;  // fn runs with interrupts on; preempt_point masks them itself
}

}  // namespace hal

using namespace hal::arch;

extern "C" std::uint32_t armv7m_pendsv(HwFrame* hw, EntryBlock* e) {
  hal::TrapFrame f = capture(hw, e);
  // The trampoline also passes &block->saved, which preempt_point takes.
  auto* fn = reinterpret_cast<void (*)(void*)>(reinterpret_cast<void (*)()>(&hal::preempt_point));
  hal::trap_frame_divert(f, fn, nullptr);
  return commit(f, e);
}

extern "C" std::uint32_t armv7m_svc(HwFrame* hw, EntryBlock* e) {
  // Only the trampoline's svc is legitimate; its r0 is the DivertBlock.
  if (hw->pc != reinterpret_cast<std::uint32_t>(armv7m_divert_svc) + 2) {
    hal::TrapFrame f = capture(hw, e);
    kernel::on_fatal_exception(&f, "SVC outside the divert trampoline", 0);
  }
  const auto* b = reinterpret_cast<const hal::DivertBlock*>(hw->r0);
  const hal::TrapFrame saved = b->saved;
  return commit(saved, e);
}
