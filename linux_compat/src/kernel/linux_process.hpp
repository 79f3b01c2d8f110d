// Linux personality state attached to a kernel::Process (Process::personality)
// and the helpers every syscall file uses.
#pragma once

#include <hal/trap.hpp>
#include <kernel/process.hpp>
#include <klib/result.hpp>

#include <cstdint>
#include <type_traits>

namespace linux_compat {

// getrlimit/setrlimit values (struct rlimit: soft "cur", hard "max").
inline constexpr int kNumRlimits = 16;  // RLIMIT_NLIMITS
struct Rlimit {
  std::uint64_t cur, max;
};
void rlimits_init(Rlimit (&limits)[kNumRlimits]);  // resource.cpp: the boot defaults

struct VforkDone;  // syscalls/clone.cpp

struct LinuxProcess {
  LinuxProcess() { rlimits_init(rlimits); }
  // Signal actions, masks and pending signals live in the kernel's signal
  // state (kernel/signal.hpp); this is the user address of the sigreturn
  // trampoline page mapped into every image (as Linux's vDSO provides one).
  std::uintptr_t sigreturn_code = 0;
  std::uintptr_t clear_child_tid = 0;
  std::uintptr_t robust_list = 0;
  std::size_t robust_len = 0;
  Rlimit rlimits[kNumRlimits];  // resource.cpp
  // A vfork child: its parent waits on this until the child execs or exits.
  VforkDone* vfork = nullptr;
};

// Per thread (ProcessThread::personality), created on first use.
struct LinuxThread {
  std::uintptr_t clear_child_tid = 0;  // set_tid_address, CLONE_CHILD_CLEARTID
  std::uintptr_t robust_list = 0;
  std::size_t robust_len = 0;
};

LinuxProcess* current_linux();
// The calling thread's Linux state; nullptr when `create` is false and it
// has none yet, or when it cannot be allocated.
LinuxThread* current_linux_thread(bool create);

// The calling process has finished with its vfork parent's memory (execve
// succeeded, or it is exiting): the parent resumes. Idempotent.
void vfork_release(kernel::Process* p);

// Clears and wakes the calling thread's clear_child_tid word (thread exit:
// pthread_join and Go wait on it).
void clear_child_tid_on_exit();

// Futex core (syscalls/futex.cpp): wakes up to `n` waiters on the private
// futex at `uaddr` of the caller's address space; returns how many.
int futex_wake_address(std::uintptr_t uaddr, int n);

// /proc/<pid>/exe and cmdline: `path` (absolute from the caller's working
// directory) and argv as what `p` now runs (exec_info.cpp).
void record_exec(kernel::Process* p, const char* path, const char* const* argv);

// The system call entry set as Process::user_syscall.
void syscall_entry(hal::TrapFrame* frame);

// Linux return value of a Result: the value, or -errno.
template <typename T>
long ret(klib::Result<T>& r) {
  if (!r.ok()) return -static_cast<long>(r.error());
  if constexpr (std::is_void_v<T>) {
    return 0;
  } else {
    return static_cast<long>(*r);
  }
}
template <typename T>
long ret(klib::Result<T>&& r) {
  return ret(r);
}
// -errno of a failed Result of any type.
template <typename T>
long fail(const klib::Result<T>& r) {
  return -static_cast<long>(r.error());
}
inline long err(klib::Error e) { return -static_cast<long>(e); }

}  // namespace linux_compat
