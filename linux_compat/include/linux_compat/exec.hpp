// Starting Linux programs: load a static or static-PIE ELF executable into a
// new address space, build its initial stack and start it as a child of the
// calling process. Kernel build only.
#pragma once

#include <hal/trap.hpp>
#include <klib/result.hpp>

#include <cstdint>

namespace linux_compat {

// Spawns `path` with argv/envp (NULL-terminated; argv may be empty) as a
// new process, child of the caller, inheriting its files (stdin/out/err).
// Returns the pid; NOEXEC (with a console line saying why) for a malformed or
// unsupported file, the open/read error otherwise.
klib::Result<int> spawn(const char* path, const char* const* argv, const char* const* envp);

// execve for the calling Linux process: loads `path` into a new address
// space (on any error the caller is untouched), then replaces its own,
// resets caught signals, closes close-on-exec descriptors and rewrites the
// syscall frame so the return lands at the new entry with the new stack.
klib::Result<void> exec_current(hal::TrapFrame* frame, const char* path, const char* const* argv,
                                const char* const* envp);

// Whether system call `nr` (asm-generic number) has a handler: the Linux
// console says what does not work yet (fork while clone is missing).
bool syscall_implemented(std::uint64_t nr);

}  // namespace linux_compat
