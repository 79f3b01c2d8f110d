/* ostest: task_spawn and posix_spawn/posix_spawnp of a builtin, with
 * attributes (priority, policy, signal mask) and file actions (open, close,
 * dup2 on the child's descriptor table), waitpid on the child, bad input. */
#include <errno.h>
#include <fcntl.h>
#include <fusion/builtin.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ostest.h"

/* The child, as a task entry and as the builtin `ostest_child`:
 *   exit N     exits with N        argc       exits with argc
 *   prio       exits with its priority (base, sched_getparam)
 *   policy     exits with its scheduling policy
 *   mask       exits 1 if SIGUSR1 is blocked, else 0
 *   write FD   writes "spawned" to FD; 0 on success
 *   isopen FD  exits 1 if FD is open, else 0 */
static int child_main(int argc, char** argv) {
  if (argc < 2) return 100;
  const char* what = argv[1];
  if (!strcmp(what, "exit") && argc > 2) return atoi(argv[2]);
  if (!strcmp(what, "argc")) return argc;
  if (!strcmp(what, "prio")) {
    struct sched_param p;
    return sched_getparam(0, &p) == 0 ? p.sched_priority : 101;
  }
  if (!strcmp(what, "policy")) return sched_getscheduler(0);
  if (!strcmp(what, "mask")) {
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    return sigismember(&cur, SIGUSR1);
  }
  if (!strcmp(what, "write") && argc > 2) {
    return write(atoi(argv[2]), "spawned", 7) == 7 ? 0 : 102;
  }
  if (!strcmp(what, "isopen") && argc > 2) return fcntl(atoi(argv[2]), F_GETFD) >= 0;
  return 103;
}

FUSION_BUILTIN(ostest_child, child_main, 100, 8192);

/* Waits for pid; its exit status, or -1 if it did not exit normally. */
static int reap(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

OSTEST(spawn_task_spawn_basic) {
  pid_t pid = -1;
  char* args[] = {"exit", "7", NULL};
  OT_ASSERT(task_spawn(&pid, "spawned", child_main, NULL, NULL, args, NULL) == 0);
  OT_EXPECT(pid > 0);
  OT_EXPECT_EQ(reap(pid), 7);
  char* argc_args[] = {"argc", "x", "y", NULL};
  OT_ASSERT(task_spawn(&pid, "spawned", child_main, NULL, NULL, argc_args, NULL) == 0);
  OT_EXPECT_EQ(reap(pid), 4); /* the name is argv[0] */
  /* Without attributes the child runs at the caller's priority. */
  struct sched_param self;
  sched_getparam(0, &self);
  char* prio[] = {"prio", NULL};
  OT_ASSERT(task_spawn(&pid, "spawned", child_main, NULL, NULL, prio, NULL) == 0);
  OT_EXPECT_EQ(reap(pid), self.sched_priority);
  OT_EXPECT_EQ(task_spawn(NULL, "spawned", child_main, NULL, NULL, args, NULL), 0);
  OT_EXPECT(waitpid(-1, NULL, 0) > 0); /* pid not reported, still our child */
}

OSTEST(spawn_attributes) {
  posix_spawnattr_t attr;
  OT_ASSERT(posix_spawnattr_init(&attr) == 0);
  struct sched_param p = {.sched_priority = 77}, got;
  short flags = -1;
  OT_EXPECT_EQ(posix_spawnattr_getflags(&attr, &flags), 0);
  OT_EXPECT_EQ(flags, 0);
  OT_EXPECT_EQ(posix_spawnattr_setschedparam(&attr, &p), 0);
  OT_EXPECT_EQ(posix_spawnattr_getschedparam(&attr, &got), 0);
  OT_EXPECT_EQ(got.sched_priority, 77);
  OT_EXPECT_EQ(posix_spawnattr_setschedpolicy(&attr, SCHED_FIFO), 0);
  int pol = -1;
  OT_EXPECT_EQ(posix_spawnattr_getschedpolicy(&attr, &pol), 0);
  OT_EXPECT_EQ(pol, SCHED_FIFO);
  sigset_t m, mg;
  sigemptyset(&m);
  sigaddset(&m, SIGUSR1);
  OT_EXPECT_EQ(posix_spawnattr_setsigmask(&attr, &m), 0);
  OT_EXPECT_EQ(posix_spawnattr_getsigmask(&attr, &mg), 0);
  OT_EXPECT(sigismember(&mg, SIGUSR1) == 1);
  OT_EXPECT_EQ(posix_spawnattr_setsigdefault(&attr, &m), 0);
  OT_EXPECT_EQ(posix_spawnattr_getsigdefault(&attr, &mg), 0);
  OT_EXPECT(sigismember(&mg, SIGUSR1) == 1);

  pid_t pid;
  char* prio[] = {"prio", NULL};
  char* policy[] = {"policy", NULL};
  char* mask[] = {"mask", NULL};
  /* Flags unset: priority and mask are not applied. */
  OT_ASSERT(task_spawn(&pid, "spawned", child_main, NULL, &attr, mask, NULL) == 0);
  OT_EXPECT_EQ(reap(pid), 0);
  OT_EXPECT_EQ(posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSCHEDPARAM | POSIX_SPAWN_SETSIGMASK),
               0);
  OT_ASSERT(task_spawn(&pid, "spawned", child_main, NULL, &attr, prio, NULL) == 0);
  OT_EXPECT_EQ(reap(pid), 77);
  OT_ASSERT(task_spawn(&pid, "spawned", child_main, NULL, &attr, mask, NULL) == 0);
  OT_EXPECT_EQ(reap(pid), 1);
  OT_ASSERT(task_spawn(&pid, "spawned", child_main, NULL, &attr, policy, NULL) == 0);
  OT_EXPECT_EQ(reap(pid), SCHED_RR); /* policy needs POSIX_SPAWN_SETSCHEDULER */
  OT_EXPECT_EQ(posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSCHEDULER), 0);
  OT_ASSERT(task_spawn(&pid, "spawned", child_main, NULL, &attr, policy, NULL) == 0);
  OT_EXPECT_EQ(reap(pid), SCHED_FIFO);
  OT_ASSERT(task_spawn(&pid, "spawned", child_main, NULL, &attr, prio, NULL) == 0);
  OT_EXPECT_EQ(reap(pid), 77);
  OT_EXPECT_EQ(posix_spawnattr_destroy(&attr), 0);
}

OSTEST(spawn_builtin_by_name) {
  pid_t pid;
  char* args[] = {"ostest_child", "exit", "42", NULL};
  OT_ASSERT(posix_spawn(&pid, "ostest_child", NULL, NULL, args, NULL) == 0);
  OT_EXPECT_EQ(reap(pid), 42);
  OT_ASSERT(posix_spawnp(&pid, "ostest_child", NULL, NULL, args, NULL) == 0);
  OT_EXPECT_EQ(reap(pid), 42);
  OT_ASSERT(posix_spawn(&pid, "/bin/ostest_child", NULL, NULL, args, NULL) == 0);
  OT_EXPECT_EQ(reap(pid), 42);
  char* argc_args[] = {"whatever", "argc", NULL};
  OT_ASSERT(posix_spawn(&pid, "ostest_child", NULL, NULL, argc_args, NULL) == 0);
  OT_EXPECT_EQ(reap(pid), 2); /* argv as given */
  /* A builtin starts at its own priority (NuttX) unless attr says. */
  char* prio[] = {"ostest_child", "prio", NULL};
  OT_ASSERT(posix_spawn(&pid, "ostest_child", NULL, NULL, prio, NULL) == 0);
  OT_EXPECT_EQ(reap(pid), 100);
}

OSTEST(spawn_file_actions) {
  const char* path = "/tmp/spawn_test.out";
  posix_spawn_file_actions_t fa;
  OT_ASSERT(posix_spawn_file_actions_init(&fa) == 0);
  /* open: the child's fd 9 is a new file. */
  OT_EXPECT_EQ(posix_spawn_file_actions_addopen(&fa, 9, path, O_WRONLY | O_CREAT | O_TRUNC, 0644),
               0);
  pid_t pid;
  char* wr[] = {"ostest_child", "write", "9", NULL};
  OT_ASSERT(posix_spawn(&pid, "ostest_child", &fa, NULL, wr, NULL) == 0);
  OT_EXPECT_EQ(reap(pid), 0);
  OT_EXPECT_EQ(fcntl(9, F_GETFD), -1); /* only the child's table changed */
  char buf[16] = {0};
  int fd = open(path, O_RDONLY);
  OT_ASSERT(fd >= 0);
  OT_EXPECT_EQ(read(fd, buf, sizeof buf - 1), 7);
  OT_EXPECT(!strcmp(buf, "spawned"));
  close(fd);
  OT_EXPECT_EQ(posix_spawn_file_actions_destroy(&fa), 0);

  /* dup2 onto 7 then close: the child writes into our pipe through fd 7;
   * a descriptor closed for the child stays open here. */
  int p[2];
  OT_ASSERT(pipe(p) == 0);
  OT_ASSERT(posix_spawn_file_actions_init(&fa) == 0);
  OT_EXPECT_EQ(posix_spawn_file_actions_adddup2(&fa, p[1], 7), 0);
  OT_EXPECT_EQ(posix_spawn_file_actions_addclose(&fa, p[0]), 0);
  char* wr7[] = {"ostest_child", "write", "7", NULL};
  OT_ASSERT(posix_spawn(&pid, "ostest_child", &fa, NULL, wr7, NULL) == 0);
  OT_EXPECT_EQ(reap(pid), 0);
  memset(buf, 0, sizeof buf);
  OT_EXPECT_EQ(read(p[0], buf, sizeof buf - 1), 7);
  OT_EXPECT(!strcmp(buf, "spawned"));
  char isopen[8];
  snprintf(isopen, sizeof isopen, "%d", p[0]);
  char* chk[] = {"ostest_child", "isopen", isopen, NULL};
  OT_ASSERT(posix_spawn(&pid, "ostest_child", &fa, NULL, chk, NULL) == 0);
  OT_EXPECT_EQ(reap(pid), 0); /* closed in the child */
  OT_EXPECT(fcntl(p[0], F_GETFD) >= 0);
  OT_EXPECT_EQ(posix_spawn_file_actions_destroy(&fa), 0);
  close(p[0]);
  close(p[1]);
  unlink(path);
}

OSTEST(spawn_bad_input) {
  pid_t pid = -1;
  char* args[] = {"exit", "0", NULL};
  OT_EXPECT_EQ(task_spawn(&pid, "x", NULL, NULL, NULL, args, NULL), EINVAL);
  OT_EXPECT_EQ(posix_spawn(&pid, NULL, NULL, NULL, args, NULL), EINVAL);
  OT_EXPECT_EQ(posix_spawn(&pid, "", NULL, NULL, args, NULL), EINVAL);
  OT_EXPECT_EQ(posix_spawn(&pid, "no_such_app", NULL, NULL, args, NULL), ENOENT);
  OT_EXPECT_EQ(posix_spawnp(&pid, "/bin/", NULL, NULL, args, NULL), ENOENT);
  OT_EXPECT_EQ(pid, -1);
  OT_EXPECT_EQ(posix_spawnattr_init(NULL), EINVAL);
  OT_EXPECT_EQ(posix_spawn_file_actions_init(NULL), EINVAL);

  posix_spawnattr_t attr;
  OT_ASSERT(posix_spawnattr_init(&attr) == 0);
  struct sched_param p = {.sched_priority = 0};
  OT_EXPECT_EQ(posix_spawnattr_setschedparam(&attr, &p), EINVAL);
  p.sched_priority = 256;
  OT_EXPECT_EQ(posix_spawnattr_setschedparam(&attr, &p), EINVAL);
  OT_EXPECT_EQ(posix_spawnattr_setschedparam(&attr, NULL), EINVAL);
  OT_EXPECT_EQ(posix_spawnattr_setschedpolicy(&attr, 99), EINVAL);
  OT_EXPECT_EQ(posix_spawnattr_setflags(&attr, 0x4000), EINVAL);
  OT_EXPECT_EQ(posix_spawnattr_getflags(&attr, NULL), EINVAL);
  OT_EXPECT_EQ(posix_spawnattr_setsigmask(&attr, NULL), EINVAL);
  OT_EXPECT_EQ(posix_spawnattr_destroy(&attr), 0);
  /* A destroyed attribute object is rejected, by spawn too. */
  OT_EXPECT_EQ(posix_spawnattr_setflags(&attr, 0), EINVAL);
  OT_EXPECT_EQ(posix_spawnattr_destroy(&attr), EINVAL);

  posix_spawn_file_actions_t fa;
  OT_ASSERT(posix_spawn_file_actions_init(&fa) == 0);
  OT_EXPECT_EQ(posix_spawn_file_actions_addopen(&fa, -1, "/dev/null", O_RDONLY, 0), EBADF);
  OT_EXPECT_EQ(posix_spawn_file_actions_addopen(&fa, 3, NULL, O_RDONLY, 0), EINVAL);
  OT_EXPECT_EQ(posix_spawn_file_actions_adddup2(&fa, -1, 3), EBADF);
  OT_EXPECT_EQ(posix_spawn_file_actions_adddup2(&fa, 1, 256), EBADF);
  OT_EXPECT_EQ(posix_spawn_file_actions_addclose(&fa, -5), EBADF);
  /* An action that fails in the child: spawn reports it, main never runs. */
  OT_EXPECT_EQ(posix_spawn_file_actions_addopen(&fa, 5, "/no/such/dir/f", O_RDONLY, 0), 0);
  pid = -1;
  char* ex[] = {"ostest_child", "exit", "9", NULL};
  OT_EXPECT_EQ(posix_spawn(&pid, "ostest_child", &fa, NULL, ex, NULL), ENOENT);
  OT_EXPECT_EQ(pid, -1);
  OT_EXPECT_EQ(posix_spawn_file_actions_destroy(&fa), 0);
  OT_ASSERT(posix_spawn_file_actions_init(&fa) == 0);
  OT_EXPECT_EQ(posix_spawn_file_actions_adddup2(&fa, 200, 3), 0); /* 200 is not open */
  OT_EXPECT_EQ(task_spawn(&pid, "x", child_main, &fa, NULL, args, NULL), EBADF);
  OT_EXPECT_EQ(posix_spawn_file_actions_destroy(&fa), 0);
  OT_EXPECT_EQ(posix_spawn_file_actions_addclose(&fa, 1), EINVAL); /* destroyed */
}
