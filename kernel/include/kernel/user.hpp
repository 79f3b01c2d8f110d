// User-mode processes: the glue between hal's way in and out of user mode
// (hal/user.hpp), the process object and mm's address spaces. A personality
// (linux_compat) builds the address space, sets Process::user_syscall and
// starts a thread that calls user_start.
#pragma once

#include <hal/user.hpp>

#include <cstdint>

namespace kernel {

struct Process;

// The calling thread enters user mode in its process's address space at pc
// with stack sp (arg0 in the first argument register), with FP state of its
// own. Never returns.
[[noreturn]] void user_start(std::uintptr_t pc, std::uintptr_t sp, std::uintptr_t arg0);

// What a clone child starts from: the parent's registers at the system
// call (the result and, for threads, the stack already rewritten), its FP
// registers and the thread pointer.
struct UserCloneState {
  hal::TrapFrame frame;
  hal::FpState fp;
  std::uintptr_t tls = 0;
  // Runs in the child once its address space is attached, before anything
  // else can fail (CLONE_CHILD_SETTID writes the child's memory; the creator
  // may wait for it).
  void (*before_enter)(void*) = nullptr;
  void* before_enter_arg = nullptr;
};
// Captures the calling user thread's state (frame: its system call frame).
void user_clone_capture(const hal::TrapFrame& frame, UserCloneState* out);
// The calling thread enters user mode in its process's address space with
// that state. The creator has already counted the thread in
// Process::user_threads (so the space cannot go away meanwhile). Never
// returns.
[[noreturn]] void user_start_clone(const UserCloneState& state);

// The calling user thread ends: drops its FP state and address-space use
// (the last thread destroys the address space), then leaves the process
// (thread_exit_current). `group`: exit_group semantics.
[[noreturn]] void user_exit(int status, bool group);
// The same for a death by signal: waitpid sees WIFSIGNALED with signo.
[[noreturn]] void user_exit_signalled(int signo);

// Faults of user processes are logged once per process and kind; for tests.
unsigned user_faults_logged();

}  // namespace kernel
