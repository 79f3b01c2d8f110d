// The Linux system calls implemented so far, one family per file in this
// folder, all taking the six raw argument registers. Numbers are the
// asm-generic ones that aarch64 and riscv64 share (syscall_table.cpp).
#pragma once

#include <hal/trap.hpp>

#include <cstdint>

namespace linux_compat {

struct Args {
  std::uint64_t a[6];
  hal::TrapFrame* frame;  // the caller's user frame (execve rewrites it)
};
using Handler = long (*)(const Args&);

// fs.cpp
long sys_read(const Args&);
long sys_write(const Args&);
long sys_readv(const Args&);
long sys_writev(const Args&);
long sys_openat(const Args&);
long sys_close(const Args&);
long sys_lseek(const Args&);
long sys_ioctl(const Args&);
long sys_fstat(const Args&);
long sys_newfstatat(const Args&);
long sys_unlinkat(const Args&);
long sys_pread64(const Args&);
long sys_fcntl(const Args&);
// process.cpp
long sys_exit(const Args&);
long sys_exit_group(const Args&);
long sys_getpid(const Args&);
long sys_getppid(const Args&);
long sys_gettid(const Args&);
long sys_getuid(const Args&);
long sys_geteuid(const Args&);
long sys_getgid(const Args&);
long sys_getegid(const Args&);
long sys_set_tid_address(const Args&);
long sys_set_robust_list(const Args&);
long sys_sched_yield(const Args&);
// exec.cpp
long sys_execve(const Args&);
long sys_wait4(const Args&);
// memory.cpp
long sys_brk(const Args&);
long sys_mmap(const Args&);
long sys_munmap(const Args&);
long sys_mprotect(const Args&);
// time.cpp
long sys_clock_gettime(const Args&);
long sys_gettimeofday(const Args&);
long sys_nanosleep(const Args&);
long sys_clock_nanosleep(const Args&);
// signal.cpp
long sys_rt_sigaction(const Args&);
long sys_rt_sigprocmask(const Args&);
// misc.cpp
long sys_uname(const Args&);
long sys_getrandom(const Args&);

}  // namespace linux_compat
