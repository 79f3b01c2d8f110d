/* ostest: each task has its own descriptor table and working directory,
 * inherited from its parent at task_create (as NuttX task groups): what a
 * child opens, closes or changes is invisible to its parent, while the
 * open files it inherited are shared descriptions (one file offset). */
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ostest.h"

static int g_inherited_fd = -1;

static int child_changes_its_files(int argc, char* argv[]) {
  (void)argc;
  (void)argv;
  /* The descriptor inherited from the parent works and shares its offset. */
  if (write(g_inherited_fd, "child", 5) != 5) return 1;
  if (close(g_inherited_fd) != 0) return 2;
  /* A new descriptor and a new cwd stay in this task. */
  if (open("/tmp/task_files_child", O_CREAT | O_WRONLY, 0644) < 0) return 3;
  if (chdir("/proc") != 0) return 4;
  return 0;
}

OSTEST(task_files_are_per_task_and_inherited) {
  char cwd_before[64], cwd_after[64];
  OT_ASSERT(getcwd(cwd_before, sizeof cwd_before) != NULL);
  g_inherited_fd = open("/tmp/task_files_parent", O_CREAT | O_RDWR | O_TRUNC, 0644);
  OT_ASSERT(g_inherited_fd >= 0);
  const int probe = g_inherited_fd + 1; /* the child's new file lands here */

  int pid = task_create("t-files", 100, 4096, child_changes_its_files, NULL);
  OT_ASSERT(pid > 0);
  int status = -1;
  OT_EXPECT_EQ(waitpid(pid, &status, 0), pid);
  OT_EXPECT(WIFEXITED(status));
  OT_EXPECT_EQ(WEXITSTATUS(status), 0);

  /* The child's close did not close ours; its write moved the shared offset. */
  OT_EXPECT_EQ(lseek(g_inherited_fd, 0, SEEK_CUR), 5);
  char buf[8] = {0};
  OT_EXPECT_EQ(pread(g_inherited_fd, buf, 5, 0), 5);
  OT_EXPECT(memcmp(buf, "child", 5) == 0);
  /* The child's own descriptor and cwd did not leak into this task. */
  struct stat st;
  OT_EXPECT_EQ(fstat(probe, &st), -1);
  OT_EXPECT(getcwd(cwd_after, sizeof cwd_after) != NULL);
  OT_EXPECT(strcmp(cwd_before, cwd_after) == 0);
  OT_EXPECT_EQ(close(g_inherited_fd), 0);
  OT_EXPECT_EQ(unlink("/tmp/task_files_parent"), 0);
  OT_EXPECT_EQ(unlink("/tmp/task_files_child"), 0);
}
