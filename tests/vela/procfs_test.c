/* ostest: /proc/<pid>/status describes the calling task and disappears when
 * the task is reaped; /proc lists the pid as a directory meanwhile. */
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ostest.h"

static int read_file(const char* path, char* buf, int cap) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  int n = (int)read(fd, buf, cap - 1);
  close(fd);
  if (n >= 0) buf[n] = '\0';
  return n;
}

static int quick_child(int argc, char* argv[]) {
  (void)argc;
  (void)argv;
  return 7;
}

OSTEST(procfs_pid_status) {
  char path[32], text[512], want[32];
  snprintf(path, sizeof path, "/proc/%d/status", getpid());
  OT_ASSERT(read_file(path, text, sizeof text) > 0);
  snprintf(want, sizeof want, "\nPid:\t%d\n", getpid());
  OT_EXPECT(strstr(text, want) != NULL);
  OT_EXPECT(strstr(text, "State:\tR (running)") != NULL);

  /* A child that exited but is not reaped is a zombie; reaped, it is gone. */
  int pid = task_create("t-procfs", 100, 4096, quick_child, NULL);
  OT_ASSERT(pid > 0);
  snprintf(path, sizeof path, "/proc/%d/status", pid);
  int zombie = 0;
  for (int i = 0; i < 6000 && !zombie; ++i) { /* 30 s hang bound */
    zombie = read_file(path, text, sizeof text) > 0 && strstr(text, "Z (zombie)") != NULL;
    if (!zombie) usleep(5000);
  }
  OT_EXPECT(zombie);
  OT_EXPECT(strstr(text, "Name:\tt-procfs") != NULL);
  int status = 0;
  OT_EXPECT_EQ(waitpid(pid, &status, 0), pid);
  OT_EXPECT_EQ(WEXITSTATUS(status), 7);
  OT_EXPECT_EQ(read_file(path, text, sizeof text), -1);
}
