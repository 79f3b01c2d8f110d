// hal/context.hpp: a new thread's first context_switch lands in
// aarch64_thread_start (context.S), which unmasks IRQs and calls entry(arg).
// Application threads additionally get TPIDR_EL0 and an FpState.
#include <hal/context.hpp>
#include <hal/cpu.hpp>

extern "C" {
void aarch64_thread_start();
void hal_fp_restore(const hal::FpState* state);
void hal_fp_save(hal::FpState* state);
}

namespace hal {

void context_init(Context* ctx, std::uintptr_t stack_top, ThreadEntry entry, void* arg) {
  *ctx = Context{};
  ctx->x19_x28[0] = reinterpret_cast<std::uint64_t>(entry);
  ctx->x19_x28[1] = reinterpret_cast<std::uint64_t>(arg);
  ctx->fp = 0;  // ends the frame-pointer chain for backtraces
  ctx->lr = reinterpret_cast<std::uint64_t>(&aarch64_thread_start);
  ctx->sp = stack_top & ~std::uintptr_t{15};
}

void context_attach_current(Context* ctx, std::uintptr_t tp, FpState* fp) {
  // No switch may observe half of the state.
  const IrqFlags flags = irq_save();
  ctx->tpidr_el0 = tp;
  asm volatile("msr tpidr_el0, %0" ::"r"(tp));
  if (fp) {
    *fp = FpState{};
    hal_fp_restore(fp);
  }
  ctx->fp_state = fp;
  irq_restore(flags);
}

void context_detach_current(Context* ctx) {
  const IrqFlags flags = irq_save();
  ctx->fp_state = nullptr;
  ctx->tpidr_el0 = 0;
  asm volatile("msr tpidr_el0, xzr");
  irq_restore(flags);
}

void context_fp_read(FpState* out) {
  // Interrupts off: a switch in between would not change the registers, but
  // the copy must come from one thread's set.
  const IrqFlags flags = irq_save();
  hal_fp_save(out);
  irq_restore(flags);
}

void context_fp_write(const FpState* in) {
  const IrqFlags flags = irq_save();
  hal_fp_restore(in);
  irq_restore(flags);
}

// The guard page is unmapped once (unmap_kernel_page): nothing per switch.
void context_set_stack_guard(Context*, std::uintptr_t, std::size_t) {}

}  // namespace hal
