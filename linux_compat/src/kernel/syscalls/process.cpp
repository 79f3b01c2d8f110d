// Process and thread identity and exit. One thread per process so far
// (clone is not implemented), so exit and exit_group end the same way.
#include <kernel/process.hpp>
#include <kernel/user.hpp>
#include <mm/usercopy.hpp>
#include <sched/sched.hpp>

#include "../linux_process.hpp"
#include "syscalls.hpp"

namespace linux_compat {
namespace {

// set_tid_address's word: zeroed at thread exit (futex wake once futexes exist).
void clear_child_tid() {
  LinuxProcess* lp = current_linux();
  if (lp && lp->clear_child_tid) (void)mm::put_user(lp->clear_child_tid, std::uint32_t{0});
}

}  // namespace

long sys_exit(const Args& a) {
  clear_child_tid();
  kernel::user_exit(static_cast<int>(a.a[0] & 0xff), false);
}

long sys_exit_group(const Args& a) {
  clear_child_tid();
  kernel::user_exit(static_cast<int>(a.a[0] & 0xff), true);
}

long sys_getpid(const Args&) { return kernel::current_pid(); }

long sys_getppid(const Args&) {
  kernel::Process* parent = kernel::current_process()->parent;
  return parent ? parent->pid : 0;
}

long sys_gettid(const Args&) {
  kernel::ProcessThread* t = kernel::current_thread();
  return t ? t->tid : kernel::current_pid();
}

long sys_getuid(const Args&) { return kernel::current_process()->cred.uid; }
long sys_geteuid(const Args&) { return kernel::current_process()->cred.euid; }
long sys_getgid(const Args&) { return kernel::current_process()->cred.gid; }
long sys_getegid(const Args&) { return kernel::current_process()->cred.egid; }

long sys_set_tid_address(const Args& a) {
  if (LinuxProcess* lp = current_linux()) lp->clear_child_tid = a.a[0];
  return sys_gettid(a);
}

long sys_set_robust_list(const Args& a) {
  // struct robust_list_head is three words; Linux checks the size only.
  if (a.a[1] != 24) return err(klib::Error::INVAL);
  if (LinuxProcess* lp = current_linux()) {
    lp->robust_list = a.a[0];
    lp->robust_len = a.a[1];
  }
  return 0;
}

long sys_sched_yield(const Args&) {
  sched::yield();
  return 0;
}

}  // namespace linux_compat
