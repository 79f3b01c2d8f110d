/* fork, vfork and clone's process side: the child returns 0 with its own
 * pid, copy-on-write isolation (parent and child write the same pages of
 * data, heap and stack and each sees its own values), 200 sequential forks
 * reaped one by one, vfork sharing memory until the child execs or exits,
 * descriptors shared across fork (one file offset), a child killed by a
 * signal, and the flag and pointer checks of clone and clone3. Under
 * qemu-user the steps the emulator cannot do (exec of a foreign binary,
 * clone3 on older versions) say "skipped" instead of passing. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static int data_word = 1;   /* .data */
static char bss_page[8192]; /* .bss, two pages */

static int exit_code_of(pid_t pid) {
  int status = 0;
  pid_t got = waitpid(pid, &status, 0);
  if (got != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

static void test_fork_basics(void) {
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    /* 0 in the child, with a pid of its own and the caller as parent. */
    _exit(getpid() != parent && getppid() == parent && gettid() == getpid() ? 42 : 1);
  }
  CHECK(pid > 0 && pid != parent);
  CHECK(exit_code_of(pid) == 42);
  CHECK_ERR(waitpid(pid, NULL, 0), ECHILD); /* reaped once */
}

/* Waits until the file holds n bytes (30 s hang bound). */
static int wait_for_bytes(int fd, int n) {
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  char buf[4];
  while (pread(fd, buf, sizeof buf, 0) < n) {
    sched_yield();
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec - start.tv_sec > 30) return 0;
  }
  return 1;
}

static void test_cow_isolation(void) {
  char* heap = malloc(3 * 4096);
  int stack_word = 5;
  CHECK(heap != NULL);
  memset(heap, 'h', 3 * 4096);
  memset(bss_page, 'b', sizeof bss_page);
  char* anon = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(anon != MAP_FAILED);
  anon[0] = 'a';
  data_word = 1;
  /* Ordering through a file (shared offsets are tested below): "g" when
   * the parent has written its values, then "gx" when the child has. */
  int sync = open("/tmp/fork_cow_sync", O_CREAT | O_TRUNC | O_RDWR, 0644);
  CHECK(sync >= 0);
  pid_t pid = fork();
  if (pid == 0) {
    /* The parent has written its values by now: the child still sees the
     * ones from before the fork, then writes its own. */
    if (!wait_for_bytes(sync, 1)) _exit(2);
    int ok = data_word == 1 && heap[4096] == 'h' && bss_page[5000] == 'b' && stack_word == 5 &&
             anon[0] == 'a';
    data_word = 3;
    heap[4096] = 'C';
    bss_page[5000] = 'C';
    stack_word = 7;
    anon[0] = 'C';
    ok = ok && data_word == 3 && heap[4096] == 'C' && stack_word == 7 && anon[0] == 'C';
    if (lseek(sync, 1, SEEK_SET) != 1 || write(sync, "x", 1) != 1) _exit(2);
    _exit(ok ? 0 : 1);
  }
  data_word = 2;
  heap[4096] = 'P';
  bss_page[5000] = 'P';
  stack_word = 6;
  anon[0] = 'P';
  CHECK(write(sync, "g", 1) == 1); /* pwrite64 may not exist yet */
  CHECK(wait_for_bytes(sync, 2));
  /* The child's writes did not reach the parent. */
  CHECK(data_word == 2 && heap[4096] == 'P' && bss_page[5000] == 'P' && stack_word == 6 &&
        anon[0] == 'P');
  CHECK(heap[0] == 'h' && heap[2 * 4096] == 'h' && bss_page[0] == 'b');
  CHECK(exit_code_of(pid) == 0);
  /* Pages written by neither stay shared and readable in the parent. */
  CHECK(heap[8191] == 'h');
  munmap(anon, 4096);
  free(heap);
  close(sync);
  unlink("/tmp/fork_cow_sync");
}

static void test_many_forks(void) {
  int bad = 0;
  for (int i = 0; i < 200; ++i) {
    pid_t pid = fork();
    if (pid == 0) {
      data_word = i; /* a COW fault in every child */
      _exit(i & 0xff);
    }
    if (pid < 0 || exit_code_of(pid) != (i & 0xff)) ++bad;
  }
  CHECK(bad == 0);
  CHECK_ERR(wait(NULL), ECHILD); /* every one reaped */
}

static void test_vfork(const char* self) {
  volatile int shared = 0;
  pid_t pid = vfork();
  if (pid == 0) {
    shared = 1; /* the parent's memory: it is suspended until _exit */
    _exit(9);
  }
  CHECK(pid > 0);
  if (shared == 1) {
    ++check_passed;
  } else {
    printf("vfork: memory not shared (qemu-user emulates vfork with fork), skipped\n");
  }
  CHECK(exit_code_of(pid) == 9);

  pid = vfork();
  if (pid == 0) {
    char* argv[] = {(char*)self, "exec-child", NULL};
    char* envp[] = {NULL};
    execve(self, argv, envp);
    _exit(127); /* the exec failed */
  }
  int code = exit_code_of(pid);
  if (code == 127) {
    printf("vfork+execve: exec of %s failed here, skipped\n", self);
  } else {
    CHECK(code == 33);
  }
}

static void test_fd_sharing(void) {
  int fd = open("/tmp/fork_shared", O_CREAT | O_TRUNC | O_RDWR, 0644);
  CHECK(fd >= 0);
  CHECK(write(fd, "abc", 3) == 3);
  pid_t pid = fork();
  if (pid == 0) {
    /* Same open file description: the write lands at offset 3. */
    _exit(write(fd, "def", 3) == 3 ? 0 : 1);
  }
  CHECK(exit_code_of(pid) == 0);
  CHECK(lseek(fd, 0, SEEK_CUR) == 6); /* the child moved our offset */
  CHECK(write(fd, "ghi", 3) == 3);
  char buf[16] = {0};
  CHECK(pread(fd, buf, sizeof buf, 0) == 9 && memcmp(buf, "abcdefghi", 9) == 0);
  close(fd);
  unlink("/tmp/fork_shared");

  int p[2];
  if (pipe(p) != 0) {
    printf("pipe: %s, the pipe case is skipped\n", strerror(errno));
    return;
  }
  pid = fork();
  if (pid == 0) {
    close(p[0]);
    _exit(write(p[1], "hello", 5) == 5 ? 0 : 1);
  }
  close(p[1]);
  char got[8] = {0};
  CHECK(read(p[0], got, sizeof got) == 5 && memcmp(got, "hello", 5) == 0);
  CHECK(read(p[0], got, sizeof got) == 0); /* EOF: the child's copy is closed */
  close(p[0]);
  CHECK(exit_code_of(pid) == 0);
}

static void test_child_killed(void) {
  pid_t pid = fork();
  if (pid == 0) {
    *(volatile int*)0 = 1;
    _exit(0);
  }
  int status = 0;
  CHECK(waitpid(pid, &status, 0) == pid);
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
}

static void test_bad_arguments(void) {
  /* Linux's flag rules: THREAD needs SIGHAND, SIGHAND needs VM. */
  CHECK_ERR(syscall(SYS_clone, CLONE_THREAD | CLONE_VM, 0, 0, 0, 0), EINVAL);
  CHECK_ERR(syscall(SYS_clone, CLONE_SIGHAND, 0, 0, 0, 0), EINVAL);
  CHECK_ERR(syscall(SYS_clone, CLONE_THREAD | CLONE_SIGHAND, 0, 0, 0, 0), EINVAL);
  CHECK_ERR(wait4(-1, NULL, 0, NULL), ECHILD);
  CHECK_ERR(waitpid(1 << 20, NULL, 0), ECHILD);
  uint64_t args[11] = {0};
  errno = 0;
  long r = syscall(SYS_clone3, args, 8); /* clone3: too small */
  if (r == -1 && errno == ENOSYS) {
    printf("clone3: not implemented by this qemu-user, skipped\n");
    return;
  }
  CHECK(r == -1 && errno == EINVAL);
  CHECK_ERR(syscall(SYS_clone3, NULL, 64), EFAULT);
  CHECK_ERR(syscall(SYS_clone3, KERNEL_ADDRESS, 64), EFAULT);
  CHECK_ERR(syscall(SYS_clone3, args, 8192), E2BIG);
  args[0] = CLONE_SIGHAND; /* without CLONE_VM */
  CHECK_ERR(syscall(SYS_clone3, args, 64), EINVAL);
  args[0] = 0;
  args[5] = 0x10000; /* a stack without a size */
  CHECK_ERR(syscall(SYS_clone3, args, 64), EINVAL);
  /* clone3 as fork: SIGCHLD in its own field. */
  memset(args, 0, sizeof args);
  args[4] = SIGCHLD;
  pid_t pid = syscall(SYS_clone3, args, 64);
  if (pid == 0) _exit(17);
  CHECK(pid > 0 && exit_code_of(pid) == 17);
}

int main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "exec-child") == 0) return 33;
  setvbuf(stdout, NULL, _IONBF, 0); /* no buffered output duplicated by fork */
  test_fork_basics();
  test_cow_isolation();
  test_many_forks();
  test_vfork(argv[0]);
  test_fd_sharing();
  test_child_killed();
  test_bad_arguments();
  return check_done("fork");
}
