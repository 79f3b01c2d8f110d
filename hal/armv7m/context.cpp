// hal/context.hpp: a new thread's first context_switch lands in
// armv7m_thread_start (vectors.S), which unmasks interrupts and calls
// entry(arg). Application threads get a thread pointer; there is no FP
// state on a Cortex-M3.
#include <hal/arch/armv7m.hpp>
#include <hal/context.hpp>
#include <hal/cpu.hpp>

extern "C" {
void armv7m_thread_start();
std::uint32_t armv7m_tp;
}

namespace hal {

void context_init(Context* ctx, std::uintptr_t stack_top, ThreadEntry entry, void* arg) {
  *ctx = Context{};
  ctx->r4_r11[0] = reinterpret_cast<std::uint32_t>(entry);
  ctx->r4_r11[1] = reinterpret_cast<std::uint32_t>(arg);
  ctx->lr = reinterpret_cast<std::uint32_t>(&armv7m_thread_start);  // Thumb bit set
  ctx->sp = stack_top & ~std::uintptr_t{7};                         // AAPCS: 8-byte aligned
}

void context_set_stack_guard(Context* ctx, std::uintptr_t guard, std::size_t size) {
  ctx->guard_rbar = 0;
  ctx->guard_rasr = 0;
  if (arch::mpu_regions() < 3) return;  // no MPU (or too small): no guard
  const auto r = arch::mpu_guard_region(guard, size);
  ctx->guard_rbar = r.rbar;
  ctx->guard_rasr = r.rasr;
}

void context_attach_current(Context* ctx, std::uintptr_t tp, FpState* fp) {
  const IrqFlags flags = irq_save();
  ctx->tp = tp;
  armv7m_tp = tp;
  ctx->fp_state = fp;
  irq_restore(flags);
}

void context_detach_current(Context* ctx) {
  const IrqFlags flags = irq_save();
  ctx->fp_state = nullptr;
  ctx->tp = 0;
  armv7m_tp = 0;
  irq_restore(flags);
}

}  // namespace hal
