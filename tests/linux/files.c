/* File, descriptor and resource syscalls busybox needs: getdents64, getcwd,
 * chdir/fchdir, mkdirat, renameat2, symlinkat/readlinkat, linkat,
 * faccessat(2), statx, dup/dup3, pipe2, umask, fchmod(at), fchown(at),
 * utimensat, ftruncate, fsync, pwrite64, lseek, ppoll, pselect6, prlimit64,
 * sysinfo, getrusage, times, clock_getres, sched_getaffinity, process
 * groups, statfs/fstatfs, sendfile and ioctl on a non-terminal, with their EFAULT,
 * EBADF and EINVAL paths. Works in a fresh directory under /tmp. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define DIR_ "/tmp/files_test"

struct dirent64_ {
  uint64_t ino;
  int64_t off;
  unsigned short reclen;
  unsigned char type;
  char name[];
};

/* Names in a directory via raw getdents64, counted into *n; returns 1 if
 * `want` is among them with type `type`. */
static int dir_has(int fd, const char* want, unsigned char type, int* n) {
  char buf[512];
  int found = 0;
  *n = 0;
  lseek(fd, 0, SEEK_SET);
  for (;;) {
    long got = syscall(SYS_getdents64, fd, buf, sizeof buf);
    if (got <= 0) break;
    for (long at = 0; at < got;) {
      struct dirent64_* d = (struct dirent64_*)(buf + at);
      ++*n;
      if (strcmp(d->name, want) == 0 && d->type == type) found = 1;
      at += d->reclen;
    }
  }
  return found;
}

static void test_dirs(void) {
  CHECK(syscall(SYS_mkdirat, AT_FDCWD, DIR_, 0755) == 0);
  CHECK_ERR(syscall(SYS_mkdirat, AT_FDCWD, DIR_, 0755), EEXIST);
  CHECK_ERR(syscall(SYS_mkdirat, AT_FDCWD, NULL, 0755), EFAULT);
  CHECK_ERR(syscall(SYS_mkdirat, AT_FDCWD, KERNEL_ADDRESS, 0755), EFAULT);
  CHECK_ERR(syscall(SYS_mkdirat, 999, "rel", 0755), EBADF);
  int dfd = open(DIR_, O_RDONLY | O_DIRECTORY);
  CHECK(dfd >= 0);
  CHECK(syscall(SYS_mkdirat, dfd, "sub", 0700) == 0);
  int f = openat(dfd, "file", O_CREAT | O_WRONLY, 0644);
  CHECK(f >= 0);
  CHECK(write(f, "0123456789", 10) == 10);
  int n = 0;
  CHECK(dir_has(dfd, "sub", 4 /* DT_DIR */, &n));
  CHECK(dir_has(dfd, "file", 8 /* DT_REG */, &n));
  CHECK(n == 4); /* ., .., sub, file */
  char tiny[8];
  lseek(dfd, 0, SEEK_SET);
  CHECK_ERR(syscall(SYS_getdents64, dfd, tiny, sizeof tiny), EINVAL);
  CHECK_ERR(syscall(SYS_getdents64, dfd, NULL, 512), EFAULT);
  CHECK_ERR(syscall(SYS_getdents64, 999, tiny, sizeof tiny), EBADF);
  CHECK_ERR(syscall(SYS_getdents64, f, tiny, sizeof tiny), ENOTDIR);

  /* chdir, fchdir, getcwd */
  char cwd[256];
  CHECK(syscall(SYS_chdir, DIR_ "/sub") == 0);
  CHECK(syscall(SYS_getcwd, cwd, sizeof cwd) == (long)strlen(DIR_ "/sub") + 1);
  CHECK(strcmp(cwd, DIR_ "/sub") == 0);
  CHECK_ERR(syscall(SYS_getcwd, cwd, 1), ERANGE);
  CHECK_ERR(syscall(SYS_getcwd, NULL, sizeof cwd), EFAULT);
  CHECK(syscall(SYS_fchdir, dfd) == 0);
  CHECK(getcwd(cwd, sizeof cwd) && strcmp(cwd, DIR_) == 0);
  CHECK_ERR(syscall(SYS_fchdir, f), ENOTDIR);
  CHECK_ERR(syscall(SYS_fchdir, 999), EBADF);
  CHECK_ERR(syscall(SYS_chdir, DIR_ "/file"), ENOTDIR);
  CHECK_ERR(syscall(SYS_chdir, DIR_ "/none"), ENOENT);
  CHECK_ERR(syscall(SYS_chdir, NULL), EFAULT);

  /* symlinks, readlink, hard links */
  CHECK(syscall(SYS_symlinkat, "file", dfd, "link") == 0);
  char target[64] = {0};
  CHECK(syscall(SYS_readlinkat, dfd, "link", target, sizeof target) == 4);
  CHECK(memcmp(target, "file", 4) == 0);
  CHECK(syscall(SYS_readlinkat, AT_FDCWD, "link", target, 2) == 2); /* truncated, no NUL */
  CHECK_ERR(syscall(SYS_readlinkat, dfd, "link", target, 0), EINVAL);
  CHECK_ERR(syscall(SYS_readlinkat, dfd, "file", target, sizeof target), EINVAL);
  CHECK_ERR(syscall(SYS_readlinkat, dfd, "link", NULL, sizeof target), EFAULT);
  CHECK_ERR(syscall(SYS_symlinkat, NULL, dfd, "l2"), EFAULT);
  CHECK(syscall(SYS_linkat, dfd, "file", dfd, "hard", 0) == 0);
  struct stat st;
  CHECK(fstatat(dfd, "hard", &st, 0) == 0 && st.st_nlink == 2 && st.st_size == 10);
  CHECK_ERR(syscall(SYS_linkat, dfd, "file", dfd, "hard2", 0x1), EINVAL);
  CHECK_ERR(syscall(SYS_linkat, dfd, "sub", dfd, "dirlink", 0), EPERM);
  CHECK_ERR(syscall(SYS_linkat, dfd, "file", dfd, "hard", 0), EEXIST);
  /* AT_SYMLINK_FOLLOW links the target, not the link. */
  CHECK(syscall(SYS_linkat, dfd, "link", dfd, "hard3", 0x400) == 0);
  CHECK(fstatat(dfd, "hard3", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode));

  /* renameat2 */
  CHECK(syscall(SYS_renameat2, dfd, "hard", dfd, "moved", 0) == 0);
  CHECK_ERR(fstatat(dfd, "hard", &st, 0), ENOENT);
  CHECK_ERR(syscall(SYS_renameat2, dfd, "moved", dfd, "file", 1 /* NOREPLACE */), EEXIST);
  CHECK_ERR(syscall(SYS_renameat2, dfd, "moved", dfd, "x", 8), EINVAL);
  CHECK_ERR(syscall(SYS_renameat2, dfd, "moved", dfd, "x", 3), EINVAL); /* EXCHANGE|NOREPLACE */
  CHECK_ERR(syscall(SYS_renameat2, dfd, "none", dfd, "x", 0), ENOENT);
  /* Different directories for the two names. */
  int sfd = open(DIR_ "/sub", O_RDONLY | O_DIRECTORY);
  CHECK(syscall(SYS_renameat2, dfd, "moved", sfd, "there", 0) == 0);
  CHECK(fstatat(sfd, "there", &st, 0) == 0 && st.st_size == 10);
  close(sfd);

  /* faccessat and faccessat2 */
  CHECK(syscall(SYS_faccessat, dfd, "file", R_OK | W_OK) == 0);
  CHECK(syscall(SYS_faccessat, dfd, "file", F_OK) == 0);
  CHECK_ERR(syscall(SYS_faccessat, dfd, "file", 8), EINVAL);
  CHECK_ERR(syscall(SYS_faccessat, dfd, "none", F_OK), ENOENT);
  CHECK_ERR(syscall(SYS_faccessat, dfd, NULL, F_OK), EFAULT);
  CHECK_ERR(syscall(SYS_faccessat, dfd, "file", X_OK), EACCES); /* 0644: nobody may run it */
  CHECK(syscall(SYS_faccessat2, dfd, "link", F_OK, AT_SYMLINK_NOFOLLOW) == 0);
  CHECK_ERR(syscall(SYS_faccessat2, dfd, "file", F_OK, 0x1), EINVAL);

  /* fchmod, fchmodat, fchown, fchownat, utimensat */
  CHECK(syscall(SYS_fchmod, f, 0600) == 0);
  CHECK(fstat(f, &st) == 0 && (st.st_mode & 07777) == 0600);
  CHECK(syscall(SYS_fchmodat, dfd, "file", 0640) == 0);
  CHECK(fstat(f, &st) == 0 && (st.st_mode & 07777) == 0640);
  CHECK_ERR(syscall(SYS_fchmod, 999, 0600), EBADF);
  CHECK_ERR(syscall(SYS_fchmodat, dfd, NULL, 0600), EFAULT);
  CHECK(syscall(SYS_fchown, f, 0, 0) == 0);
  CHECK(syscall(SYS_fchownat, dfd, "file", 12, 34, 0) == 0);
  CHECK(fstat(f, &st) == 0 && st.st_uid == 12 && st.st_gid == 34);
  CHECK(syscall(SYS_fchownat, dfd, "file", -1, 0, 0) == 0); /* -1: unchanged */
  CHECK(fstat(f, &st) == 0 && st.st_uid == 12 && st.st_gid == 0);
  CHECK_ERR(syscall(SYS_fchownat, dfd, "file", 0, 0, 0x1), EINVAL);
  struct timespec ts[2] = {{1000, 0}, {2000, 500}};
  CHECK(syscall(SYS_utimensat, dfd, "file", ts, 0) == 0);
  CHECK(fstat(f, &st) == 0 && st.st_mtim.tv_sec == 2000 && st.st_mtim.tv_nsec == 500 &&
        st.st_atim.tv_sec == 1000);
  struct timespec omit[2] = {{5, UTIME_OMIT}, {3000, 0}};
  CHECK(syscall(SYS_utimensat, dfd, "file", omit, 0) == 0);
  CHECK(fstat(f, &st) == 0 && st.st_atim.tv_sec == 1000 && st.st_mtim.tv_sec == 3000);
  CHECK(syscall(SYS_utimensat, f, NULL, NULL, 0) == 0); /* futimens: now */
  struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
  CHECK_ERR(syscall(SYS_utimensat, dfd, "file", bad, 0), EINVAL);
  CHECK_ERR(syscall(SYS_utimensat, dfd, "file", KERNEL_ADDRESS, 0), EFAULT);
  CHECK_ERR(syscall(SYS_utimensat, dfd, "file", NULL, 0x8), EINVAL);

  /* umask applies to mkdirat */
  CHECK(syscall(SYS_umask, 077) == 022);
  CHECK(syscall(SYS_mkdirat, dfd, "private", 0777) == 0);
  CHECK(fstatat(dfd, "private", &st, 0) == 0 && (st.st_mode & 0777) == 0700);
  CHECK(syscall(SYS_umask, 022) == 077);

  /* statx */
  struct statx sx;
  memset(&sx, 0xff, sizeof sx);
  CHECK(syscall(SYS_statx, dfd, "file", 0, STATX_BASIC_STATS, &sx) == 0);
  CHECK((sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS);
  CHECK(sx.stx_size == 10 && S_ISREG(sx.stx_mode) && sx.stx_nlink == 3); /* moved, hard3 */
  CHECK(syscall(SYS_statx, dfd, "link", AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx) == 0);
  CHECK(S_ISLNK(sx.stx_mode));
  CHECK(syscall(SYS_statx, f, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx) == 0 && sx.stx_size == 10);
  CHECK_ERR(syscall(SYS_statx, f, "", 0, STATX_BASIC_STATS, &sx), ENOENT);
  CHECK_ERR(syscall(SYS_statx, dfd, "file", 0, 0x80000000u, &sx), EINVAL);
  CHECK_ERR(syscall(SYS_statx, dfd, "file", 0x6000, STATX_BASIC_STATS, &sx), EINVAL);
  CHECK_ERR(syscall(SYS_statx, dfd, "file", 0, STATX_BASIC_STATS, NULL), EFAULT);

  /* ftruncate, fsync, pwrite64 */
  CHECK(syscall(SYS_ftruncate, f, 4) == 0);
  CHECK(fstat(f, &st) == 0 && st.st_size == 4);
#ifdef __riscv /* qemu-aarch64 passes negative lengths and offsets on as unsigned */
  CHECK_ERR(syscall(SYS_ftruncate, f, -1), EINVAL);
  CHECK_ERR(syscall(SYS_pwrite64, f, "AB", 2, -1), EINVAL);
#endif
  CHECK_ERR(syscall(SYS_ftruncate, dfd, 0), EINVAL);
  CHECK_ERR(syscall(SYS_ftruncate, 999, 0), EBADF);
  CHECK(syscall(SYS_pwrite64, f, "AB", 2, 8) == 2);
  CHECK(fstat(f, &st) == 0 && st.st_size == 10);
  CHECK(lseek(f, 0, SEEK_CUR) == 10); /* pwrite leaves the position */
  CHECK_ERR(syscall(SYS_pwrite64, f, NULL, 2, 0), EFAULT);
  CHECK(syscall(SYS_fsync, f) == 0);
  CHECK(syscall(SYS_fdatasync, f) == 0);
  CHECK_ERR(syscall(SYS_fsync, 999), EBADF);
  CHECK_ERR(syscall(SYS_lseek, f, 0, 7), EINVAL);
  CHECK_ERR(syscall(SYS_lseek, 999, 0, SEEK_SET), EBADF);

  /* statfs, fstatfs */
  struct statfs sf;
  CHECK(syscall(SYS_statfs, DIR_, &sf) == 0 && sf.f_bsize > 0 && sf.f_namelen == 255);
  CHECK(syscall(SYS_fstatfs, f, &sf) == 0);
  CHECK(syscall(SYS_statfs, "/proc", &sf) == 0 && sf.f_type == 0x9fa0);
  CHECK_ERR(syscall(SYS_statfs, DIR_, NULL), EFAULT);
  CHECK_ERR(syscall(SYS_statfs, DIR_ "/none", &sf), ENOENT);
  CHECK_ERR(syscall(SYS_fstatfs, 999, &sf), EBADF);

  /* ioctl on a regular file */
  int avail;
  CHECK_ERR(ioctl(f, TCGETS, &avail), ENOTTY);
  CHECK(ioctl(f, FIOCLEX) == 0 && fcntl(f, F_GETFD) == FD_CLOEXEC);
  CHECK(ioctl(f, FIONCLEX) == 0 && fcntl(f, F_GETFD) == 0);

  close(f);
  close(dfd);
  CHECK(chdir("/") == 0);
}

static void test_descriptors(void) {
  int p[2];
  CHECK(syscall(SYS_pipe2, p, O_CLOEXEC) == 0);
  CHECK(fcntl(p[0], F_GETFD) == FD_CLOEXEC && fcntl(p[1], F_GETFD) == FD_CLOEXEC);
  CHECK_ERR(syscall(SYS_pipe2, p, 0x1), EINVAL);
  CHECK_ERR(syscall(SYS_pipe2, NULL, 0), EFAULT);
  CHECK_ERR(syscall(SYS_pipe2, KERNEL_ADDRESS, 0), EFAULT);
  int d = (int)syscall(SYS_dup, p[1]);
  CHECK(d > p[1] && fcntl(d, F_GETFD) == 0);
  CHECK_ERR(syscall(SYS_dup, 999), EBADF);
  CHECK(syscall(SYS_dup3, p[1], 100, O_CLOEXEC) == 100 && fcntl(100, F_GETFD) == FD_CLOEXEC);
  CHECK_ERR(syscall(SYS_dup3, p[1], p[1], 0), EINVAL);
  CHECK_ERR(syscall(SYS_dup3, p[1], 101, 0x1), EINVAL);
  CHECK_ERR(syscall(SYS_dup3, 999, 101, 0), EBADF);
  CHECK_ERR(syscall(SYS_pwrite64, p[1], "x", 1, 0), ESPIPE);
  CHECK_ERR(syscall(SYS_fsync, p[1]), EINVAL);

  /* sendfile from a file into the pipe: with an offset pointer the file's
   * position stays; without, it moves. */
  int src = open(DIR_ "/sendfile", O_CREAT | O_RDWR | O_TRUNC, 0644);
  CHECK(src >= 0 && write(src, "abcdef", 6) == 6);
  off_t off = 2;
  CHECK(syscall(SYS_sendfile, p[1], src, &off, 3) == 3 && off == 5);
  CHECK(lseek(src, 0, SEEK_CUR) == 6);
  lseek(src, 4, SEEK_SET);
  CHECK(syscall(SYS_sendfile, p[1], src, NULL, 100) == 2 && lseek(src, 0, SEEK_CUR) == 6);
  char sent[8] = {0};
  CHECK(read(p[0], sent, sizeof sent) == 5 && memcmp(sent, "cdeef", 5) == 0);
  CHECK_ERR(syscall(SYS_sendfile, p[1], src, KERNEL_ADDRESS, 1), EFAULT);
  CHECK_ERR(syscall(SYS_sendfile, p[0], src, NULL, 1), EBADF); /* read end */
  CHECK_ERR(syscall(SYS_sendfile, p[1], 999, NULL, 1), EBADF);
  off = -1;
  CHECK_ERR(syscall(SYS_sendfile, p[1], src, &off, 1), EINVAL);
  close(src);

  /* ppoll: nothing to read yet, then a byte through the dup'ed end */
  struct pollfd pfd = {p[0], POLLIN, 0};
  struct timespec zero = {0, 0};
  CHECK(syscall(SYS_ppoll, &pfd, 1, &zero, NULL, 8) == 0);
  CHECK(write(d, "x", 1) == 1);
  struct timespec ten = {10, 0};
  CHECK(syscall(SYS_ppoll, &pfd, 1, &ten, NULL, 8) == 1 && (pfd.revents & POLLIN));
  CHECK(ten.tv_sec <= 10); /* the time left is written back */
  struct timespec bad = {0, -1};
  CHECK_ERR(syscall(SYS_ppoll, &pfd, 1, &bad, NULL, 8), EINVAL);
  CHECK_ERR(syscall(SYS_ppoll, NULL, 1, &zero, NULL, 8), EFAULT);
  sigset_t mask;
  sigemptyset(&mask);
  CHECK_ERR(syscall(SYS_ppoll, &pfd, 1, &zero, &mask, 4), EINVAL);
  struct pollfd closed = {999, POLLIN, 0};
  CHECK(syscall(SYS_ppoll, &closed, 1, &zero, NULL, 8) == 1 && closed.revents == POLLNVAL);

  /* pselect6: p[0] readable, p[1] writable */
  fd_set rd, wr;
  FD_ZERO(&rd);
  FD_ZERO(&wr);
  FD_SET(p[0], &rd);
  FD_SET(p[1], &wr);
  struct timespec t5 = {5, 0};
  CHECK(syscall(SYS_pselect6, p[1] + 1, &rd, &wr, NULL, &t5, NULL) == 2);
  CHECK(FD_ISSET(p[0], &rd) && FD_ISSET(p[1], &wr));
  char c;
  CHECK(read(p[0], &c, 1) == 1 && c == 'x');
  FD_ZERO(&rd);
  FD_SET(p[0], &rd);
  CHECK(syscall(SYS_pselect6, p[0] + 1, &rd, NULL, NULL, &zero, NULL) == 0 && !FD_ISSET(p[0], &rd));
  CHECK_ERR(syscall(SYS_pselect6, -1, NULL, NULL, NULL, &zero, NULL), EINVAL);
  CHECK_ERR(syscall(SYS_pselect6, p[0] + 1, KERNEL_ADDRESS, NULL, NULL, &zero, NULL), EFAULT);
  fd_set badset;
  FD_ZERO(&badset);
  FD_SET(90, &badset);
  CHECK_ERR(syscall(SYS_pselect6, 91, &badset, NULL, NULL, &zero, NULL), EBADF);

  close(p[0]);
  close(p[1]);
  close(d);
  close(100);
}

static void test_resources(void) {
  struct rlimit rl, old;
  CHECK(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &rl) == 0 && rl.rlim_cur > 3);
  CHECK(syscall(SYS_getrlimit, RLIMIT_NOFILE, &old) == 0 && old.rlim_cur == rl.rlim_cur);
  struct rlimit lower = {64, old.rlim_max};
  CHECK(syscall(SYS_setrlimit, RLIMIT_NOFILE, &lower) == 0);
  CHECK(syscall(SYS_prlimit64, getpid(), RLIMIT_NOFILE, &old, &rl) == 0 && rl.rlim_cur == 64);
  struct rlimit inverted = {old.rlim_max, 1};
  CHECK_ERR(syscall(SYS_setrlimit, RLIMIT_NOFILE, &inverted), EINVAL);
  CHECK_ERR(syscall(SYS_prlimit64, 0, 99, NULL, &rl), EINVAL);
  CHECK_ERR(syscall(SYS_getrlimit, RLIMIT_NOFILE, NULL), EFAULT);
  CHECK_ERR(syscall(SYS_setrlimit, RLIMIT_NOFILE, KERNEL_ADDRESS), EFAULT);

  struct sysinfo si;
  CHECK(syscall(SYS_sysinfo, &si) == 0 && si.totalram > 0 && si.freeram <= si.totalram &&
        si.mem_unit > 0 && si.procs > 0);
  struct rusage ru;
  CHECK(syscall(SYS_getrusage, RUSAGE_SELF, &ru) == 0);
  CHECK(syscall(SYS_getrusage, RUSAGE_CHILDREN, &ru) == 0);
  CHECK_ERR(syscall(SYS_getrusage, 5, &ru), EINVAL);
  CHECK_ERR(syscall(SYS_getrusage, RUSAGE_SELF, NULL), EFAULT);
  struct tms tm;
  CHECK(syscall(SYS_times, &tm) >= 0);
  CHECK(syscall(SYS_times, NULL) >= 0);
  struct timespec res;
  CHECK(syscall(SYS_clock_getres, CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 &&
        res.tv_nsec > 0 && res.tv_nsec <= 1000000);
  CHECK(syscall(SYS_clock_getres, CLOCK_REALTIME, NULL) == 0);
  CHECK_ERR(syscall(SYS_clock_getres, 100, &res), EINVAL);

  uint64_t cpus[16] = {0};
  long n = syscall(SYS_sched_getaffinity, 0, sizeof cpus, cpus);
  CHECK(n >= 8 && (cpus[0] & 1) != 0);
  CHECK_ERR(syscall(SYS_sched_getaffinity, 0, 4, cpus), EINVAL);
  CHECK_ERR(syscall(SYS_sched_getaffinity, 0, sizeof cpus, NULL), EFAULT);

  const pid_t pid = getpid();
  CHECK(syscall(SYS_getpgid, 0) >= 0 && syscall(SYS_getsid, 0) >= 0);
  CHECK(syscall(SYS_setpgid, 0, 0) == 0 && syscall(SYS_getpgid, 0) == pid);
  CHECK_ERR(syscall(SYS_setpgid, 0, -1), EINVAL);
  CHECK_ERR(syscall(SYS_getpgid, 999999), ESRCH);
  CHECK_ERR(syscall(SYS_getsid, 999999), ESRCH);
  CHECK_ERR(syscall(SYS_setsid), EPERM); /* already a group leader */
}

/* Terminal ioctls on stdin when it is one (the Fusion console under vsh's
 * run; a pty on the host): the argument goes through user memory. */
static void test_tty(void) {
  struct termios t, t2;
  if (ioctl(0, TCGETS, &t) != 0) {
    printf("files: stdin is not a terminal, tty ioctls skipped\n");
    return;
  }
  CHECK(ioctl(0, TCSETS, &t) == 0);
  CHECK(ioctl(0, TCGETS, &t2) == 0 && t2.c_lflag == t.c_lflag && t2.c_cc[VINTR] == t.c_cc[VINTR]);
  CHECK_ERR(ioctl(0, TCGETS, NULL), EFAULT);
  CHECK_ERR(ioctl(0, TCGETS, KERNEL_ADDRESS), EFAULT);
  CHECK_ERR(ioctl(0, TCSETS, NULL), EFAULT);
  struct winsize ws;
  CHECK(ioctl(0, TIOCGWINSZ, &ws) == 0);
  CHECK(ioctl(0, TIOCSWINSZ, &ws) == 0);
  int avail = -1;
  CHECK(ioctl(0, FIONREAD, &avail) == 0 && avail >= 0);
  CHECK_ERR(ioctl(0, FIONREAD, NULL), EFAULT);
}

int main(void) {
  test_tty();
  test_dirs();
  test_descriptors();
  test_resources();
  return check_done("files");
}
