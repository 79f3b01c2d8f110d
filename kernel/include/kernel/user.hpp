// User-mode processes: the glue between hal's way in and out of user mode
// (hal/user.hpp), the process object and mm's address spaces. A personality
// (linux_compat) builds the address space, sets Process::user_syscall and
// starts a thread that calls user_start.
#pragma once

#include <cstdint>

namespace kernel {

struct Process;

// The calling thread enters user mode in its process's address space at pc
// with stack sp (arg0 in the first argument register), with FP state of its
// own. Never returns.
[[noreturn]] void user_start(std::uintptr_t pc, std::uintptr_t sp, std::uintptr_t arg0);

// The calling user thread ends: drops its FP state and address-space use
// (the last thread destroys the address space), then leaves the process
// (thread_exit_current). `group`: exit_group semantics.
[[noreturn]] void user_exit(int status, bool group);
// The same for a death by signal: waitpid sees WIFSIGNALED with signo.
[[noreturn]] void user_exit_signalled(int signo);

// Faults of user processes are logged once per process and kind; for tests.
unsigned user_faults_logged();

}  // namespace kernel
