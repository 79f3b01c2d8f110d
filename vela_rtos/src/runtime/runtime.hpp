// The Vela runtime's kernel-side API: running application (C, picolibc) code
// on a thread, and starting builtin applications. Used by the task/pthread
// implementation (vela_rtos/src/task*, pthread*) and the monitor's `run`.
#pragma once

#include <klib/error.hpp>
#include <klib/result.hpp>

#include <cstddef>

namespace vela::runtime {

// Runs fn(arg) as application code on the calling thread (a Vela task's or
// pthread's own thread, first thing after it starts). Before fn it gives the
// thread
//  - a TLS block initialised from the image's .tdata/.tbss template (picolibc
//    errno, stdio line buffers, ...), installed as the thread pointer
//    (aarch64 TPIDR_EL0, riscv64 tp), and
//  - an FP register file, so the thread may use FP/SIMD (all zero at start),
// both carved from this call's stack frame (app_state_bytes() of stack), so
// nothing is allocated and nothing leaks if fn never returns (_exit,
// pthread_exit, task deletion end the thread inside fn: the state dies with
// the stack). When fn returns: flushes the thread's stdio buffers, detaches
// the state (back to a plain kernel thread) and returns fn's result.
void* run_app(void* (*fn)(void*), void* arg);

// Stack bytes run_app takes from the calling thread (TLS block + FP state).
std::size_t app_state_bytes();

// Writes out the calling thread's buffered stdout/stderr (run_app does this
// on return, _exit before the thread ends).
void flush_thread_stdio();

// True on a thread inside run_app (it has TLS: errno may be written).
bool thread_has_tls();

}  // namespace vela::runtime

namespace vela {

// Starts builtin application `name` (FUSION_BUILTIN) as a thread running
// main(argc, argv) under runtime::run_app at the builtin's priority, waits
// for it and returns its exit status (main's return value or exit()'s
// argument). NOENT when there is no such builtin. A stand-in for task_create
// + waitpid until the process-based task API starts builtins itself.
klib::Result<int> start_builtin(const char* name, int argc, char** argv);

}  // namespace vela

// Kernel error -> picolibc errno value (vela_rtos/src/errno_map.cpp).
int vela_errno_from(klib::Error e);
// Sets the calling application thread's errno (no-op on a thread without
// TLS). C linkage: the C runtime files use it too.
extern "C" void vela_set_errno(int value);
extern "C" int vela_get_errno();
