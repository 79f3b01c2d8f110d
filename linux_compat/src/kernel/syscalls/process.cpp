// Process and thread identity and exit. exit ends the calling thread (the
// process when it was the last); exit_group kills the other threads first.
#include <kernel/process.hpp>
#include <kernel/user.hpp>
#include <mm/heap.hpp>
#include <mm/usercopy.hpp>
#include <sched/sched.hpp>

#include <new>

#include "../linux_process.hpp"
#include "syscalls.hpp"

namespace linux_compat {
namespace {

constexpr int kSigKill = 9;

void release_linux_thread(kernel::ProcessThread* t) {
  if (t->personality) {
    static_cast<LinuxThread*>(t->personality)->~LinuxThread();
    mm::kfree(t->personality);
    t->personality = nullptr;
  }
}

}  // namespace

LinuxThread* current_linux_thread(bool create) {
  kernel::ProcessThread* t = kernel::current_thread();
  if (!t) return nullptr;
  if (t->personality || !create) return static_cast<LinuxThread*>(t->personality);
  void* mem = mm::kzalloc(sizeof(LinuxThread));
  if (!mem) return nullptr;
  // Only the thread itself sets its own record, so no lock is needed.
  t->release_personality = release_linux_thread;
  t->personality = new (mem) LinuxThread();
  return static_cast<LinuxThread*>(t->personality);
}

void clear_child_tid_on_exit() {
  LinuxThread* lt = current_linux_thread(false);
  if (!lt || !lt->clear_child_tid) return;
  const std::uintptr_t addr = lt->clear_child_tid;
  lt->clear_child_tid = 0;
  // Linux ignores a bad address here as well.
  if (mm::put_user(addr, std::uint32_t{0}).ok()) (void)futex_wake_address(addr, 1);
}

long sys_exit(const Args& a) {
  clear_child_tid_on_exit();
  kernel::user_exit(static_cast<int>(a.a[0] & 0xff), false);
}

long sys_exit_group(const Args& a) {
  const int status = static_cast<int>(a.a[0] & 0xff);
  kernel::process_kill_other_threads(status, kSigKill);
  clear_child_tid_on_exit();
  kernel::user_exit(status, true);
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
  LinuxThread* lt = current_linux_thread(true);
  if (!lt) return err(klib::Error::NOMEM);
  lt->clear_child_tid = a.a[0];
  return sys_gettid(a);
}

long sys_set_robust_list(const Args& a) {
  // struct robust_list_head is three words; Linux checks the size only.
  if (a.a[1] != 24) return err(klib::Error::INVAL);
  LinuxThread* lt = current_linux_thread(true);
  if (!lt) return err(klib::Error::NOMEM);
  lt->robust_list = a.a[0];
  lt->robust_len = a.a[1];
  return 0;
}

long sys_sched_yield(const Args&) {
  sched::yield();
  return 0;
}

}  // namespace linux_compat
