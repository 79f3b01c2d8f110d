// Kernel thread context switching. hal::Context is defined per architecture in
// <hal/arch/context.hpp> (callee-saved registers, stack pointer, thread
// pointer, FP state pointer); sched embeds one in every Thread.
#pragma once

#include <cstddef>
#include <cstdint>

#include <hal/arch/context.hpp>

namespace hal {

using ThreadEntry = void (*)(void* arg);

// Prepares `ctx` so the first context_switch into it calls entry(arg) on the
// stack ending at stack_top, with interrupts enabled. If entry returns, the
// arch code calls kernel_thread_exit().
void context_init(Context* ctx, std::uintptr_t stack_top, ThreadEntry entry, void* arg);

// Saves the callee-saved state into *from and resumes *to. Called with
// interrupts disabled; returns when something switches back to `from`.
// Also switches the thread pointer (aarch64 TPIDR_EL0, riscv64 tp) and, for
// contexts with an FpState, the FP registers (riscv64: saved only when
// sstatus.FS is Dirty; FS is Off while a context without FpState runs).
extern "C" void context_switch(Context* from, Context* to);

// Marks [guard, guard + size), just below ctx's stack, inaccessible while
// ctx runs, so an overflow faults there. For ports that guard the running
// thread's stack with an MPU region (armv7m); ports with an MMU unmap the
// guard page once (hal::unmap_kernel_page) and ignore this.
void context_set_stack_guard(Context* ctx, std::uintptr_t guard, std::size_t size);

// Application state for the calling thread (Vela tasks, later user
// threads). `ctx` must be the calling thread's own context. From now on
// context_switch keeps `tp` as its thread pointer and, if `fp` is not null,
// its FP registers in *fp: FP is enabled for it with every register and the
// control/status register zeroed. *fp must stay valid until
// context_detach_current or the thread's last switch-out.
void context_attach_current(Context* ctx, std::uintptr_t tp, FpState* fp);
// Back to a plain kernel thread: thread pointer 0, no FP (riscv64 FS=Off).
void context_detach_current(Context* ctx);

// The calling thread's live FP registers (it must have an FpState attached):
// copied out to *out, or replaced by *in (user signal frames), which must be
// the thread's own FpState already holding the new values.
void context_fp_read(FpState* out);
void context_fp_write(const FpState* in);

}  // namespace hal
