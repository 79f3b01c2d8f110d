// riscv64 context_init: a new thread's first context_switch "returns" into
// riscv_thread_start (context.S), which enables interrupts and calls entry.
// Application threads additionally get tp and an FpState.
#include <hal/context.hpp>
#include <hal/cpu.hpp>

extern "C" {
void riscv_thread_start();
void hal_fp_restore(const hal::FpState* state);
void hal_fp_save(hal::FpState* state);
void hal_fp_off();
}

namespace hal {

void context_init(Context* ctx, std::uintptr_t stack_top, ThreadEntry entry, void* arg) {
  *ctx = Context{};
  ctx->ra = reinterpret_cast<std::uintptr_t>(&riscv_thread_start);
  ctx->sp = stack_top & ~std::uintptr_t{15};
  ctx->s[0] = 0;  // frame pointer: ends backtraces here
  ctx->s[1] = reinterpret_cast<std::uintptr_t>(entry);
  ctx->s[2] = reinterpret_cast<std::uintptr_t>(arg);
}

void context_attach_current(Context* ctx, std::uintptr_t tp, FpState* fp) {
  // No switch may observe half of the state.
  const IrqFlags flags = irq_save();
  ctx->tp = tp;
  asm volatile("mv tp, %0" ::"r"(tp));
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
  hal_fp_off();
  ctx->tp = 0;
  asm volatile("mv tp, zero");
  irq_restore(flags);
}

void context_fp_read(FpState* out) {
  const IrqFlags flags = irq_save();
  hal_fp_save(out);
  irq_restore(flags);
}

void context_fp_write(const FpState* in) {
  // FS ends Clean, so a switch will not save: *in must be the thread's own
  // FpState, already holding the new values.
  const IrqFlags flags = irq_save();
  hal_fp_restore(in);
  irq_restore(flags);
}

// The guard page is unmapped once (unmap_kernel_page): nothing per switch.
void context_set_stack_guard(Context*, std::uintptr_t, std::size_t) {}

}  // namespace hal
