/* vsh's run builtin: starts a Linux executable (fusion/linux.h) and waits
 * for it; the status is its exit code, or 128 + the signal that ended it. */
#include <errno.h>
#include <fusion/linux.h>
#include <string.h>
#include <sys/wait.h>

#include "vsh.h"

int vsh_cmd_run(int argc, char** argv) {
  if (argc < 2) {
    vsh_errorf("usage: run PATH [ARGS]\n");
    return 2;
  }
  static const char* const envp[] = {"HOME=/", "PATH=/bin:/usr/bin", "TERM=vt100", NULL};
  int pid = vela_linux_spawn(argv[1], (const char* const*)&argv[1], envp);
  if (pid < 0) {
    int e = errno;
    vsh_errorf("run: %s: %s\n", argv[1], strerror(e));
    return e == ENOENT ? 127 : 126;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      vsh_errorf("run: waitpid %d: %s\n", pid, strerror(errno));
      return 1;
    }
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}
