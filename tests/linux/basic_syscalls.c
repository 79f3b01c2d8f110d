/* The first Linux syscalls: files (openat, read, write, writev, lseek,
 * close, fstat), identity, uname, clocks, getrandom, brk, anonymous
 * mmap/munmap/mprotect, ioctl, signal actions and masks, and EFAULT for
 * NULL, unmapped and kernel pointers. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static void* unmapped_page(void) {
  void* p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return NULL;
  munmap(p, 4096);
  return p;
}

static void test_files(void) {
  const char* path = "/tmp/basic_syscalls.txt";
  int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_CREAT | O_TRUNC | O_RDWR, 0644);
  CHECK(fd >= 0);
  CHECK(syscall(SYS_write, fd, "hello ", 6) == 6);
  struct iovec iov[2] = {{"wor", 3}, {"ld\n", 3}};
  CHECK(syscall(SYS_writev, fd, iov, 2) == 6);
  CHECK(syscall(SYS_lseek, fd, 0, SEEK_SET) == 0);
  char buf[32] = {0};
  CHECK(syscall(SYS_read, fd, buf, sizeof buf) == 12);
  CHECK(memcmp(buf, "hello world\n", 12) == 0);
  CHECK(syscall(SYS_read, fd, buf, sizeof buf) == 0); /* end of file */
  struct stat st;
  CHECK(fstat(fd, &st) == 0 && st.st_size == 12 && S_ISREG(st.st_mode));
  CHECK(stat(path, &st) == 0 && st.st_size == 12);
  /* Not a terminal: every tty ioctl says so. */
  struct winsize ws;
  CHECK_ERR(ioctl(fd, TIOCGWINSZ, &ws), ENOTTY);
  /* Bad pointers: NULL, a page that was unmapped, a kernel address. */
  CHECK_ERR(syscall(SYS_write, fd, NULL, 4), EFAULT);
  CHECK_ERR(syscall(SYS_write, fd, unmapped_page(), 4), EFAULT);
  CHECK_ERR(syscall(SYS_write, fd, KERNEL_ADDRESS, 4), EFAULT);
  CHECK(syscall(SYS_lseek, fd, 0, SEEK_SET) == 0);
  CHECK_ERR(syscall(SYS_read, fd, NULL, 4), EFAULT);
  CHECK(syscall(SYS_lseek, fd, 0, SEEK_SET) == 0);
  CHECK_ERR(syscall(SYS_read, fd, KERNEL_ADDRESS, 4), EFAULT);
  CHECK_ERR(syscall(SYS_openat, AT_FDCWD, NULL, O_RDONLY), EFAULT);
  CHECK_ERR(syscall(SYS_openat, AT_FDCWD, KERNEL_ADDRESS, O_RDONLY), EFAULT);
  CHECK_ERR(syscall(SYS_openat, AT_FDCWD, unmapped_page(), O_RDONLY), EFAULT);
  CHECK_ERR(syscall(SYS_fstat, fd, NULL), EFAULT);
  CHECK_ERR(syscall(SYS_fstat, fd, KERNEL_ADDRESS), EFAULT);
  struct iovec bad = {KERNEL_ADDRESS, 4};
  CHECK_ERR(syscall(SYS_writev, fd, &bad, 1), EFAULT);
  CHECK_ERR(syscall(SYS_writev, fd, NULL, 1), EFAULT);
  CHECK(close(fd) == 0);
  CHECK_ERR(close(fd), EBADF);
  CHECK_ERR(syscall(SYS_read, -1, buf, 1), EBADF);
  CHECK_ERR(syscall(SYS_write, 999, buf, 1), EBADF);
  CHECK_ERR(syscall(SYS_openat, AT_FDCWD, "/tmp/does/not/exist", O_RDONLY), ENOENT);
  /* *at() relative to a directory descriptor. */
  int dir = (int)syscall(SYS_openat, AT_FDCWD, "/tmp", O_RDONLY | O_DIRECTORY);
  CHECK(dir >= 0);
  CHECK(fstatat(dir, "basic_syscalls.txt", &st, 0) == 0 && st.st_size == 12);
  int rel = (int)syscall(SYS_openat, dir, "basic_syscalls.txt", O_RDONLY);
  CHECK(rel >= 0 && syscall(SYS_read, rel, buf, 5) == 5 && memcmp(buf, "hello", 5) == 0);
  close(rel);
  CHECK_ERR(syscall(SYS_openat, dir, "no-such-file", O_RDONLY), ENOENT);
  int file = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY);
  CHECK_ERR(syscall(SYS_openat, file, "x", O_RDONLY), ENOTDIR);
  CHECK_ERR(syscall(SYS_openat, 999, "x", O_RDONLY), EBADF);
  close(file);
  CHECK(unlinkat(dir, "basic_syscalls.txt", 0) == 0);
  CHECK_ERR(unlinkat(dir, "basic_syscalls.txt", 0), ENOENT);
  close(dir);
  /* stdout works. */
  CHECK(syscall(SYS_write, 1, "basic_syscalls: stdout ok\n", 26) == 26);
}

static void test_identity(void) {
  pid_t pid = getpid();
  CHECK(pid > 0);
  CHECK(syscall(SYS_gettid) == pid);
  CHECK(getppid() >= 0);
  CHECK(syscall(SYS_set_tid_address, NULL) == pid);
  CHECK(getuid() == geteuid() && getgid() == getegid());
  struct utsname u;
  CHECK(uname(&u) == 0);
  CHECK(strcmp(u.sysname, "Linux") == 0);
#if defined(__aarch64__)
  CHECK(strcmp(u.machine, "aarch64") == 0);
#else
  CHECK(strcmp(u.machine, "riscv64") == 0);
#endif
  CHECK_ERR(syscall(SYS_uname, NULL), EFAULT);
  CHECK_ERR(syscall(SYS_uname, KERNEL_ADDRESS), EFAULT);
}

static void test_time_and_random(void) {
  struct timespec a, b;
  CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0);
  struct timespec nap = {0, 2000000};
  CHECK(nanosleep(&nap, NULL) == 0);
  CHECK(clock_gettime(CLOCK_MONOTONIC, &b) == 0);
  long long ns = (b.tv_sec - a.tv_sec) * 1000000000ll + (b.tv_nsec - a.tv_nsec);
  CHECK(ns >= 2000000); /* slept at least as asked; no upper bound (loaded hosts) */
  CHECK_ERR(syscall(SYS_clock_gettime, 12345, &a), EINVAL);
  CHECK_ERR(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, NULL), EFAULT);
  CHECK_ERR(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, KERNEL_ADDRESS), EFAULT);
  struct timespec bad = {0, 2000000000l};
  CHECK_ERR(syscall(SYS_nanosleep, &bad, NULL), EINVAL);
  unsigned char r1[16] = {0}, r2[16] = {0};
  CHECK(syscall(SYS_getrandom, r1, sizeof r1, 0) == 16);
  CHECK(syscall(SYS_getrandom, r2, sizeof r2, 0) == 16);
  CHECK(memcmp(r1, r2, 16) != 0);
  CHECK_ERR(syscall(SYS_getrandom, r1, sizeof r1, 0x100), EINVAL);
  CHECK_ERR(syscall(SYS_getrandom, KERNEL_ADDRESS, 16, 0), EFAULT);
}

static void test_memory(void) {
  /* brk grows and the new memory is zeroed and writable. */
  uintptr_t cur = (uintptr_t)syscall(SYS_brk, 0);
  CHECK(cur != 0);
  uintptr_t want = cur + 3 * 4096;
  CHECK((uintptr_t)syscall(SYS_brk, want) == want);
  CHECK(((unsigned char*)cur)[100] == 0);
  memset((void*)cur, 0x5a, 3 * 4096);
  CHECK(((unsigned char*)cur)[3 * 4096 - 1] == 0x5a);
  CHECK((uintptr_t)syscall(SYS_brk, cur) == cur);
  /* Anonymous mappings: zeroed, writable, unmappable. */
  size_t len = 64 * 1024;
  unsigned char* p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(p != MAP_FAILED);
  if (p != MAP_FAILED) {
    CHECK(p[0] == 0 && p[len - 1] == 0);
    for (size_t i = 0; i < len; i += 4096) p[i] = (unsigned char)i;
    CHECK(p[4096] == (unsigned char)4096);
    CHECK(mprotect(p, 4096, PROT_READ) == 0);
    CHECK(p[0] == 0); /* still readable, data kept */
    CHECK(mprotect(p, 4096, PROT_READ | PROT_WRITE) == 0);
    p[1] = 7;
    CHECK(munmap(p + 4096, 4096) == 0); /* a hole in the middle */
    CHECK_ERR(syscall(SYS_write, 1, p + 4096, 1), EFAULT);
    CHECK(p[2 * 4096] == (unsigned char)(2 * 4096));
    CHECK(munmap(p, len) == 0);
  }
  p = mmap((void*)0x20000000, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
           -1, 0);
  CHECK(p == (void*)0x20000000);
  if (p != MAP_FAILED) munmap(p, 4096);
  CHECK_ERR(mmap(NULL, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0),
            EINVAL); /* neither private nor shared */
  CHECK_ERR(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EINVAL);
  CHECK_ERR(
      mmap((void*)0x20000001, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
      EINVAL);
  CHECK_ERR(munmap((void*)0x20000001, 4096), EINVAL);
  CHECK_ERR(mprotect((void*)0x20000001, 4096, PROT_READ), EINVAL);
  /* malloc on top of all that. */
  char* big = malloc(1 << 20);
  CHECK(big != NULL);
  if (big) {
    memset(big, 1, 1 << 20);
    CHECK(big[(1 << 20) - 1] == 1);
    free(big);
  }
}

static void handler(int sig) { (void)sig; }

static void test_signals(void) {
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
  CHECK(sigaction(SIGUSR1, NULL, &old) == 0);
  CHECK(old.sa_handler == handler);
  CHECK_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL);
  CHECK_ERR(syscall(SYS_rt_sigaction, 0, NULL, NULL, 8), EINVAL);
  CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR1, NULL, NULL, 4), EINVAL);
  CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR1, KERNEL_ADDRESS, NULL, 8), EFAULT);
  sigset_t set, got;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR2);
  CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
  CHECK(sigprocmask(SIG_BLOCK, NULL, &got) == 0);
  CHECK(sigismember(&got, SIGUSR2));
  CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0);
  CHECK(sigprocmask(SIG_BLOCK, NULL, &got) == 0);
  CHECK(!sigismember(&got, SIGUSR2));
  CHECK_ERR(syscall(SYS_rt_sigprocmask, 99, &set, NULL, 8), EINVAL);
  CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, KERNEL_ADDRESS, NULL, 8), EFAULT);
}

int main(int argc, char** argv) {
  CHECK(argc >= 1 && argv[0] != NULL && argv[argc] == NULL);
  test_files();
  test_identity();
  test_time_and_random();
  test_memory();
  test_signals();
  return check_done("basic_syscalls");
}
