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
};

LinuxProcess* current_linux();

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
