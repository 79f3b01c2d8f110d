/* execve and wait4: bad paths and pointers fail with the caller intact
 * (ENOENT, EFAULT, EACCES, ENOEXEC), wait4 without children is ECHILD; then
 * the program execs itself as "child" with new argv and envp, a
 * close-on-exec descriptor closed and a plain one kept. The child's checks
 * end the run. Under qemu-user without binfmt_misc the host cannot exec a
 * foreign binary: that one step is reported as skipped, not passed. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static int child(int argc, char** argv, char** envp) {
  CHECK(argc == 5);
  CHECK(strcmp(argv[1], "child") == 0);
  CHECK(envp[0] && strcmp(envp[0], "FOO=bar") == 0 && envp[1] == NULL);
  CHECK(getenv("FOO") && strcmp(getenv("FOO"), "bar") == 0);
  int cloexec_fd = atoi(argv[2]), kept_fd = atoi(argv[3]);
  CHECK_ERR(fcntl(cloexec_fd, F_GETFD), EBADF);
  CHECK(fcntl(kept_fd, F_GETFD) == 0);
  char buf[8] = {0};
  CHECK(pread(kept_fd, buf, 5, 0) == 5 && memcmp(buf, "kept\n", 5) == 0);
  /* The counts of the parent's half travel in argv[4]. */
  int parent_passed = atoi(argv[4]);
  check_passed += parent_passed;
  return check_done("execve");
}

int main(int argc, char** argv, char** envp) {
  if (argc > 1 && strcmp(argv[1], "child") == 0) return child(argc, argv, envp);
  char* none[] = {NULL};
  CHECK_ERR(syscall(SYS_execve, "/does/not/exist", none, none), ENOENT);
  CHECK_ERR(syscall(SYS_execve, NULL, none, none), EFAULT);
  CHECK_ERR(syscall(SYS_execve, KERNEL_ADDRESS, none, none), EFAULT);
  CHECK_ERR(syscall(SYS_execve, argv[0], KERNEL_ADDRESS, none), EFAULT);
  char* bad_argv[] = {argv[0], KERNEL_ADDRESS, NULL};
  CHECK_ERR(syscall(SYS_execve, argv[0], bad_argv, none), EFAULT);
  CHECK_ERR(syscall(SYS_execve, "/tmp", none, none), EACCES);
  int t = open("/tmp/execve_text", O_CREAT | O_TRUNC | O_WRONLY, 0755);
  CHECK(t >= 0 && write(t, "not an executable\n", 18) == 18);
  close(t);
  CHECK_ERR(syscall(SYS_execve, "/tmp/execve_text", none, none), ENOEXEC);
  unlink("/tmp/execve_text");
  int status;
  CHECK_ERR(wait4(-1, &status, 0, NULL), ECHILD);
  CHECK_ERR(wait4(-1, &status, WNOHANG, NULL), ECHILD);
  CHECK_ERR(wait4(-1, &status, 0x1000, NULL), EINVAL);
  /* Still here after all that: exec ourselves. */
  int cloexec_fd = open("/tmp/execve_a", O_CREAT | O_TRUNC | O_RDWR | O_CLOEXEC, 0644);
  int kept_fd = open("/tmp/execve_b", O_CREAT | O_TRUNC | O_RDWR, 0644);
  CHECK(cloexec_fd >= 0 && kept_fd >= 0);
  CHECK(write(kept_fd, "kept\n", 5) == 5);
  char a1[16], a2[16], a3[16];
  snprintf(a1, sizeof a1, "%d", cloexec_fd);
  snprintf(a2, sizeof a2, "%d", kept_fd);
  snprintf(a3, sizeof a3, "%d", check_passed);
  char* args[] = {argv[0], "child", a1, a2, a3, NULL};
  char* env[] = {"FOO=bar", NULL};
  if (check_failed == 0) {
    fflush(stdout);
    syscall(SYS_execve, argv[0], args, env);
    if (errno == ENOEXEC) {
      printf(
          "execve: exec of itself skipped: this host cannot run a foreign binary (no "
          "binfmt_misc)\n");
      return check_done("execve");
    }
    CHECK(!"execve of itself returned");
  }
  return check_done("execve");
}
