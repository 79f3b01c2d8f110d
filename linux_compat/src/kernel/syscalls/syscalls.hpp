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
long sys_fstat(const Args&);
long sys_newfstatat(const Args&);
long sys_unlinkat(const Args&);
long sys_pread64(const Args&);
long sys_fcntl(const Args&);
// fs_dir.cpp
long sys_getdents64(const Args&);
long sys_getcwd(const Args&);
long sys_chdir(const Args&);
long sys_fchdir(const Args&);
long sys_mkdirat(const Args&);
long sys_mknodat(const Args&);
long sys_renameat(const Args&);
long sys_renameat2(const Args&);
long sys_symlinkat(const Args&);
long sys_readlinkat(const Args&);
long sys_linkat(const Args&);
long sys_truncate(const Args&);
long sys_faccessat(const Args&);
long sys_faccessat2(const Args&);
long sys_fchmod(const Args&);
long sys_fchmodat(const Args&);
long sys_fchown(const Args&);
long sys_fchownat(const Args&);
long sys_utimensat(const Args&);
long sys_umask(const Args&);
// fs_io.cpp
long sys_dup(const Args&);
long sys_dup3(const Args&);
long sys_pipe2(const Args&);
long sys_pwrite64(const Args&);
long sys_sendfile(const Args&);
long sys_ftruncate(const Args&);
long sys_fsync(const Args&);
inline long sys_fdatasync(const Args& a) { return sys_fsync(a); }
long sys_statx(const Args&);
long sys_ppoll(const Args&);
long sys_pselect6(const Args&);
long sys_statfs(const Args&);
long sys_fstatfs(const Args&);
long sys_mount(const Args&);
long sys_umount2(const Args&);
// ioctl.cpp
long sys_ioctl(const Args&);
// resource.cpp
long sys_prlimit64(const Args&);
long sys_getrlimit(const Args&);
long sys_setrlimit(const Args&);
long sys_getrusage(const Args&);
long sys_times(const Args&);
long sys_sysinfo(const Args&);
long sys_sched_getaffinity(const Args&);
long sys_setpgid(const Args&);
long sys_getpgid(const Args&);
long sys_setsid(const Args&);
long sys_getsid(const Args&);
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
// clone.cpp
long sys_clone(const Args&);
long sys_clone3(const Args&);
// futex.cpp
long sys_futex(const Args&);
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
long sys_clock_getres(const Args&);
long sys_gettimeofday(const Args&);
long sys_nanosleep(const Args&);
long sys_clock_nanosleep(const Args&);
// signal.cpp
long sys_rt_sigaction(const Args&);
long sys_rt_sigprocmask(const Args&);
long sys_rt_sigpending(const Args&);
long sys_rt_sigsuspend(const Args&);
long sys_rt_sigtimedwait(const Args&);
long sys_rt_sigreturn(const Args&);
long sys_sigaltstack(const Args&);
// kill.cpp
long sys_kill(const Args&);
long sys_tkill(const Args&);
long sys_tgkill(const Args&);
// misc.cpp
long sys_uname(const Args&);
long sys_getrandom(const Args&);

}  // namespace linux_compat
