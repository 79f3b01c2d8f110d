/* ostest cases for the POSIX file API over the VFS: descriptors, names,
 * directories, dup/fcntl, links, mounts, stdio on top, and the errors each
 * call reports for bad input (EBADF, ENOENT, EEXIST, ENOTDIR, EISDIR,
 * ENOTEMPTY, EINVAL, EFAULT for NULL pointers). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ostest.h"

/* The implementation (vela_rtos/src/fs_api_internal.hpp) writes this layout. */
/* picolibc has two layouts: Linux-ABI targets (the 64-bit boards) and
 * newlib's own (arm-none-eabi). */
#if defined(__linux)
_Static_assert(sizeof(struct stat) == 120, "struct stat size");
_Static_assert(offsetof(struct stat, st_mode) == 16, "st_mode");
_Static_assert(offsetof(struct stat, st_size) == 48, "st_size");
_Static_assert(offsetof(struct stat, st_mtim) == 88, "st_mtim");
#else
_Static_assert(sizeof(struct stat) == 88, "struct stat size");
_Static_assert(offsetof(struct stat, st_mode) == 4, "st_mode");
_Static_assert(offsetof(struct stat, st_size) == 16, "st_size");
_Static_assert(offsetof(struct stat, st_mtim) == 40, "st_mtim");
#endif

#define D "/tmp/fs_test"

static void fresh_dir(void) {
  /* Leftovers from an earlier, interrupted run. */
  unlink(D "/f");
  unlink(D "/g");
  unlink(D "/link");
  rmdir(D "/sub/x");
  rmdir(D "/sub");
  rmdir(D);
  OT_EXPECT_EQ(mkdir(D, 0755), 0);
}

static void remove_dir(void) {
  unlink(D "/f");
  unlink(D "/g");
  unlink(D "/link");
  rmdir(D "/sub/x");
  rmdir(D "/sub");
  OT_EXPECT_EQ(rmdir(D), 0);
}

OSTEST(fs_open_write_read) {
  fresh_dir();
  int fd = open(D "/f", O_RDWR | O_CREAT | O_TRUNC, 0644);
  OT_ASSERT(fd >= 0);
  OT_EXPECT_EQ(write(fd, "hello world", 11), 11);
  OT_EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 11);
  OT_EXPECT_EQ(lseek(fd, 6, SEEK_SET), 6);
  char buf[16] = {0};
  OT_EXPECT_EQ(read(fd, buf, sizeof buf), 5);
  OT_EXPECT(memcmp(buf, "world", 5) == 0);
  OT_EXPECT_EQ(read(fd, buf, sizeof buf), 0); /* end of file */
  OT_EXPECT_EQ(pwrite(fd, "W", 1, 6), 1);
  OT_EXPECT_EQ(pread(fd, buf, 5, 6), 5);
  OT_EXPECT(memcmp(buf, "World", 5) == 0);
  OT_EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 11); /* pread/pwrite leave the offset */
  struct stat st;
  OT_EXPECT_EQ(fstat(fd, &st), 0);
  OT_EXPECT(S_ISREG(st.st_mode));
  OT_EXPECT_EQ(st.st_size, 11);
  OT_EXPECT_EQ(ftruncate(fd, 5), 0);
  OT_EXPECT_EQ(fstat(fd, &st), 0);
  OT_EXPECT_EQ(st.st_size, 5);
  OT_EXPECT_EQ(fsync(fd), 0);
  OT_EXPECT_EQ(close(fd), 0);
  OT_EXPECT_EQ(stat(D "/f", &st), 0);
  OT_EXPECT_EQ(st.st_size, 5);
  OT_EXPECT_EQ(truncate(D "/f", 0), 0);
  OT_EXPECT_EQ(stat(D "/f", &st), 0);
  OT_EXPECT_EQ(st.st_size, 0);
  /* O_APPEND writes at the end whatever the offset. */
  fd = open(D "/f", O_WRONLY | O_APPEND);
  OT_ASSERT(fd >= 0);
  OT_EXPECT_EQ(write(fd, "ab", 2), 2);
  OT_EXPECT_EQ(lseek(fd, 0, SEEK_SET), 0);
  OT_EXPECT_EQ(write(fd, "cd", 2), 2);
  close(fd);
  fd = creat(D "/g", 0600);
  OT_EXPECT(fd >= 0);
  close(fd);
  OT_EXPECT_EQ(stat(D "/f", &st), 0);
  OT_EXPECT_EQ(st.st_size, 4);
  remove_dir();
}

OSTEST(fs_readv_writev) {
  fresh_dir();
  int fd = open(D "/f", O_RDWR | O_CREAT, 0644);
  OT_ASSERT(fd >= 0);
  struct iovec out[2] = {{"abc", 3}, {"defg", 4}};
  OT_EXPECT_EQ(writev(fd, out, 2), 7);
  lseek(fd, 0, SEEK_SET);
  char a[2], b[8] = {0};
  struct iovec in[2] = {{a, 2}, {b, sizeof b}};
  OT_EXPECT_EQ(readv(fd, in, 2), 7);
  OT_EXPECT(a[0] == 'a' && a[1] == 'b' && memcmp(b, "cdefg", 5) == 0);
  OT_EXPECT_EQ(readv(fd, in, -1), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  close(fd);
  remove_dir();
}

OSTEST(fs_error_paths) {
  fresh_dir();
  char buf[4];
  struct stat st;
  OT_EXPECT_EQ(close(-1), -1);
  OT_EXPECT_EQ(errno, EBADF);
  OT_EXPECT_EQ(read(200, buf, 1), -1);
  OT_EXPECT_EQ(errno, EBADF);
  OT_EXPECT_EQ(write(-5, buf, 1), -1);
  OT_EXPECT_EQ(errno, EBADF);
  OT_EXPECT_EQ(fstat(123, &st), -1);
  OT_EXPECT_EQ(errno, EBADF);
  OT_EXPECT_EQ(open(D "/missing", O_RDONLY), -1);
  OT_EXPECT_EQ(errno, ENOENT);
  OT_EXPECT_EQ(open("/no/such/dir/f", O_RDWR | O_CREAT, 0644), -1);
  OT_EXPECT_EQ(errno, ENOENT);
  OT_EXPECT_EQ(stat(D "/missing", &st), -1);
  OT_EXPECT_EQ(errno, ENOENT);
  OT_EXPECT_EQ(mkdir(D, 0755), -1);
  OT_EXPECT_EQ(errno, EEXIST);
  int fd = open(D "/f", O_WRONLY | O_CREAT, 0644);
  OT_ASSERT(fd >= 0);
  OT_EXPECT_EQ(open(D "/f", O_WRONLY | O_CREAT | O_EXCL, 0644), -1);
  OT_EXPECT_EQ(errno, EEXIST);
  OT_EXPECT_EQ(open(D "/f/x", O_RDONLY), -1);
  OT_EXPECT_EQ(errno, ENOTDIR);
  OT_EXPECT_EQ(mkdir(D "/f/x", 0755), -1);
  OT_EXPECT_EQ(errno, ENOTDIR);
  OT_EXPECT_EQ(rmdir(D "/f"), -1);
  OT_EXPECT_EQ(errno, ENOTDIR);
  OT_EXPECT_EQ(open(D, O_WRONLY), -1);
  OT_EXPECT_EQ(errno, EISDIR);
  OT_EXPECT_EQ(unlink(D), -1);
  OT_EXPECT(errno == EISDIR || errno == EPERM);
  OT_EXPECT_EQ(rmdir(D), -1);
  OT_EXPECT_EQ(errno, ENOTEMPTY);
  OT_EXPECT_EQ(lseek(fd, -1, SEEK_SET), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(lseek(fd, 0, 42), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(ftruncate(fd, -1), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(read(fd, buf, 1), -1); /* opened write-only */
  OT_EXPECT_EQ(errno, EBADF);
  /* NULL pointers: EFAULT, never a crash. */
  OT_EXPECT_EQ(open(NULL, O_RDONLY), -1);
  OT_EXPECT_EQ(errno, EFAULT);
  OT_EXPECT_EQ(write(fd, NULL, 1), -1);
  OT_EXPECT_EQ(errno, EFAULT);
  OT_EXPECT_EQ(stat(NULL, &st), -1);
  OT_EXPECT_EQ(errno, EFAULT);
  OT_EXPECT_EQ(fstat(fd, NULL), -1);
  OT_EXPECT_EQ(errno, EFAULT);
  OT_EXPECT_EQ(mkdir(NULL, 0), -1);
  OT_EXPECT_EQ(errno, EFAULT);
  OT_EXPECT_EQ(pipe(NULL), -1);
  OT_EXPECT_EQ(errno, EFAULT);
  OT_EXPECT(getcwd(NULL, 0) == NULL);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT(opendir(NULL) == NULL);
  OT_EXPECT(opendir(D "/f") == NULL);
  OT_EXPECT_EQ(errno, ENOTDIR);
  OT_EXPECT_EQ(write(fd, buf, 0), 0);
  close(fd);
  remove_dir();
}

OSTEST(fs_directories) {
  fresh_dir();
  OT_EXPECT_EQ(mkdir(D "/sub", 0755), 0);
  OT_EXPECT_EQ(mkdir(D "/sub/x", 0755), 0);
  int fd = open(D "/f", O_WRONLY | O_CREAT, 0644);
  close(fd);
  DIR* d = opendir(D);
  OT_ASSERT(d != NULL);
  int seen_f = 0, seen_sub = 0, total = 0;
  struct dirent* e;
  while ((e = readdir(d)) != NULL) {
    ++total;
    if (!strcmp(e->d_name, "f")) seen_f = e->d_type == DT_REG;
    if (!strcmp(e->d_name, "sub")) seen_sub = e->d_type == DT_DIR;
  }
  OT_EXPECT(seen_f && seen_sub);
  rewinddir(d);
  int again = 0;
  while (readdir(d) != NULL) ++again;
  OT_EXPECT_EQ(again, total);
  OT_EXPECT_EQ(closedir(d), 0);
  /* Relative paths follow the working directory. */
  char cwd[128], old[128];
  OT_ASSERT(getcwd(old, sizeof old) != NULL);
  OT_EXPECT_EQ(chdir(D "/sub"), 0);
  OT_ASSERT(getcwd(cwd, sizeof cwd) != NULL);
  OT_EXPECT(strcmp(cwd, D "/sub") == 0);
  struct stat st;
  OT_EXPECT_EQ(stat("x", &st), 0);
  OT_EXPECT_EQ(stat("../f", &st), 0);
  OT_EXPECT(getcwd(cwd, 3) == NULL);
  OT_EXPECT_EQ(errno, ERANGE);
  OT_EXPECT_EQ(chdir(D "/f"), -1);
  OT_EXPECT_EQ(errno, ENOTDIR);
  OT_EXPECT_EQ(chdir(old), 0);
  OT_EXPECT_EQ(access(D "/f", F_OK), 0);
  OT_EXPECT_EQ(access(D "/nope", F_OK), -1);
  OT_EXPECT_EQ(errno, ENOENT);
  remove_dir();
}

OSTEST(fs_dup_fcntl) {
  fresh_dir();
  int fd = open(D "/f", O_RDWR | O_CREAT | O_APPEND, 0644);
  OT_ASSERT(fd >= 0);
  int d1 = dup(fd);
  OT_EXPECT(d1 > fd);
  OT_EXPECT_EQ(write(d1, "xy", 2), 2);
  OT_EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 2); /* one shared description */
  OT_EXPECT_EQ(dup2(fd, 40), 40);
  OT_EXPECT_EQ(dup2(fd, fd), fd);
  OT_EXPECT_EQ(dup2(99, 41), -1);
  OT_EXPECT_EQ(errno, EBADF);
  OT_EXPECT((fcntl(fd, F_GETFL) & O_APPEND) != 0);
  OT_EXPECT_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
  OT_EXPECT_EQ(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
  OT_EXPECT((fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
  OT_EXPECT_EQ(fcntl(fd, F_GETFD), 0);
  OT_EXPECT_EQ(fcntl(fd, F_SETFD, FD_CLOEXEC), 0);
  OT_EXPECT_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
  int d2 = fcntl(fd, F_DUPFD, 50);
  OT_EXPECT(d2 >= 50);
  int d3 = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  OT_EXPECT_EQ(fcntl(d3, F_GETFD), FD_CLOEXEC);
  OT_EXPECT_EQ(fcntl(fd, 9999), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(fcntl(-1, F_GETFD), -1);
  OT_EXPECT_EQ(errno, EBADF);
  close(d1);
  close(40);
  close(d2);
  close(d3);
  close(fd);
  remove_dir();
}

OSTEST(fs_links_and_rename) {
  fresh_dir();
  int fd = open(D "/f", O_WRONLY | O_CREAT, 0644);
  OT_EXPECT_EQ(write(fd, "data", 4), 4);
  close(fd);
  OT_EXPECT_EQ(symlink(D "/f", D "/link"), 0);
  char target[64] = {0};
  OT_EXPECT_EQ(readlink(D "/link", target, sizeof target), (long)strlen(D "/f"));
  OT_EXPECT(strncmp(target, D "/f", strlen(D "/f")) == 0);
  struct stat st;
  OT_EXPECT_EQ(lstat(D "/link", &st), 0);
  OT_EXPECT(S_ISLNK(st.st_mode));
  OT_EXPECT_EQ(stat(D "/link", &st), 0);
  OT_EXPECT(S_ISREG(st.st_mode) && st.st_size == 4);
  OT_EXPECT_EQ(readlink(D "/f", target, sizeof target), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(rename(D "/f", D "/g"), 0);
  OT_EXPECT_EQ(stat(D "/f", &st), -1);
  OT_EXPECT_EQ(errno, ENOENT);
  OT_EXPECT_EQ(stat(D "/g", &st), 0);
  OT_EXPECT_EQ(rename(D "/nope", D "/g"), -1);
  OT_EXPECT_EQ(errno, ENOENT);
  OT_EXPECT_EQ(unlink(D "/g"), 0);
  OT_EXPECT_EQ(unlink(D "/g"), -1);
  OT_EXPECT_EQ(errno, ENOENT);
  remove_dir();
}

OSTEST(fs_mount_tmpfs) {
  fresh_dir();
  OT_EXPECT_EQ(mkdir(D "/sub", 0755), 0);
  OT_ASSERT(mount("none", D "/sub", "tmpfs", 0, NULL) == 0);
  int fd = open(D "/sub/inside", O_RDWR | O_CREAT, 0644);
  OT_EXPECT(fd >= 0);
  OT_EXPECT_EQ(umount(D "/sub"), -1); /* a file is open inside */
  OT_EXPECT_EQ(errno, EBUSY);
  close(fd);
  /* /proc/mounts lists it. */
  char buf[1024];
  int m = open("/proc/mounts", O_RDONLY);
  OT_ASSERT(m >= 0);
  ssize_t n = read(m, buf, sizeof buf - 1);
  close(m);
  OT_ASSERT(n > 0);
  buf[n] = '\0';
  OT_EXPECT(strstr(buf, D "/sub") != NULL);
  OT_EXPECT_EQ(umount(D "/sub"), 0);
  struct stat st;
  OT_EXPECT_EQ(stat(D "/sub/inside", &st), -1); /* gone with the mount */
  OT_EXPECT_EQ(umount(D "/sub"), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(mount("none", D "/sub", "nosuchfs", 0, NULL), -1);
  OT_EXPECT_EQ(umount(NULL), -1);
  OT_EXPECT_EQ(errno, EFAULT);
  remove_dir();
}

/* picolibc's FILE streams sit on open/read/write/lseek/close. */
OSTEST(fs_stdio_streams) {
  fresh_dir();
  FILE* f = fopen(D "/f", "w");
  OT_ASSERT(f != NULL);
  OT_EXPECT(fprintf(f, "line %d\n", 42) > 0);
  OT_EXPECT_EQ(fclose(f), 0);
  f = fopen(D "/f", "r");
  OT_ASSERT(f != NULL);
  char line[32] = {0};
  OT_EXPECT(fgets(line, sizeof line, f) != NULL);
  OT_EXPECT(strcmp(line, "line 42\n") == 0);
  OT_EXPECT_EQ(fclose(f), 0);
  OT_EXPECT(fopen(D "/missing", "r") == NULL);
  remove_dir();
}

OSTEST(fs_devices) {
  int fd = open("/dev/null", O_RDWR);
  OT_ASSERT(fd >= 0);
  char buf[8];
  OT_EXPECT_EQ(write(fd, "x", 1), 1);
  OT_EXPECT_EQ(read(fd, buf, sizeof buf), 0);
  OT_EXPECT_EQ(isatty(fd), 0); /* a device, but not a terminal */
  OT_EXPECT_EQ(isatty(1), 1);  /* vsh's stdout: /dev/console */
  close(fd);
  fd = open("/dev/zero", O_RDONLY);
  OT_ASSERT(fd >= 0);
  memset(buf, 1, sizeof buf);
  OT_EXPECT_EQ(read(fd, buf, sizeof buf), 8);
  OT_EXPECT(buf[0] == 0 && buf[7] == 0);
  close(fd);
  fresh_dir();
  fd = open(D "/f", O_RDWR | O_CREAT, 0644);
  OT_EXPECT_EQ(isatty(fd), 0);
  OT_EXPECT_EQ(errno, ENOTTY);
  close(fd);
  remove_dir();
}
