/* vsh application launcher: finds FUSION_BUILTIN applications by name and
 * runs them as tasks (task_create + waitpid), in the foreground or with `&`
 * in the background (reaped before the next prompt). Each application task
 * gets a process group of its own; a foreground one owns the terminal
 * until it ends, so the terminal's Ctrl-C reaches it and not vsh. */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <fusion/builtin.h>

#include "vsh.h"

static int background_count;

int vsh_app_exists(const char* name) { return fusion_builtin_find(name) != NULL; }

void vsh_list_apps(void) {
  int n = fusion_builtin_count();
  vsh_printf("Applications:\n ");
  for (int i = 0; i < n; ++i) vsh_printf(" %s", fusion_builtin_at(i)->name);
  vsh_printf(n ? "\n" : " (none)\n");
}

int vsh_run_app(int argc, char** argv, int background) {
  (void)argc;
  const struct fusion_builtin* app = fusion_builtin_find(argv[0]);
  if (!app) {
    if (vsh_find_command(argv[0]))
      vsh_errorf("vsh: %s: builtin commands cannot run in the background\n", argv[0]);
    else
      vsh_errorf("vsh: %s: command not found\n", argv[0]);
    return 127;
  }
  /* task_create copies argv (argv[0], the name, is supplied by the task). */
  int pid = task_create(app->name, app->priority, app->stacksize, app->main, &argv[1]);
  if (pid < 0) {
    vsh_errorf("vsh: %s: %s\n", argv[0], strerror(errno));
    return 126;
  }
  (void)setpgid(pid, pid);
  if (background) {
    ++background_count;
    vsh_printf("[%d]\n", pid);
    return 0;
  }
  int owns_terminal = tcsetpgrp(0, pid) == 0;
  int status = 0;
  int failed = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      vsh_errorf("vsh: waitpid %d: %s\n", pid, strerror(errno));
      failed = 1;
      break;
    }
  }
  if (owns_terminal) (void)tcsetpgrp(0, getpgrp());
  if (failed) return 1;
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

void vsh_reap_children(void) {
  while (background_count > 0) {
    int status;
    int pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return;
    --background_count;
    vsh_printf("[%d] done, status %d\n", pid, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  }
}
