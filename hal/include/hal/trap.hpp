// What portable code may ask of a trap frame (the layout itself is per arch in
// <hal/arch/trap_frame.hpp>): used by the fault reporter and the backtracer.
#pragma once

#include <cstdint>

#include <hal/arch/trap_frame.hpp>

namespace hal {

std::uintptr_t trap_frame_pc(const TrapFrame& f);
std::uintptr_t trap_frame_fp(const TrapFrame& f);
void trap_frame_set_pc(TrapFrame& f, std::uintptr_t pc);
// Used with set_pc to resume on a known-good stack after an expected fault
// (the KTEST guard-page test resumes away from the overflowed stack).
void trap_frame_set_sp(TrapFrame& f, std::uintptr_t sp);
// Asynchronous signal delivery: makes the return from the interrupt whose
// frame is `f` (called on that return path, interrupts masked, as the last
// thing before returning) run fn(arg) first on the interrupted stack, below
// the interrupted sp, with interrupts enabled, then resume the interrupted
// code exactly (every register, FP state included). Nests.
void trap_frame_divert(TrapFrame& f, void (*fn)(void*), void* arg);
// Prints every general register, the status and cause registers via printk.
void print_trap_frame(const TrapFrame& f);

// One frame-pointer unwind step: from the frame record at `fp` yields the
// caller's frame pointer and return address. Returns false when fp does not
// point into kernel memory (end of chain or corruption).
bool unwind_step(std::uintptr_t& fp, std::uintptr_t& return_address);

// Bounds of the current CPU's kernel stack are checked by the kernel, not hal.

}  // namespace hal
