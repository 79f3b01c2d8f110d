/* ostest: NuttX tasks: task_create with argv, exit status through waitpid
 * (specific pid, any child, WNOHANG, ECHILD), getpid/gettid, task_delete of
 * a blocked task, task_restart, and bad input. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ostest.h"

/* picolibc declares it only with _POSIX_TIMERS (the clock API adds it). */
int clock_gettime(clockid_t clock, struct timespec* ts);

int gettid(void);

static void task_sleep_ms(long ms) {
  sem_t s;
  struct timespec ts;
  sem_init(&s, 0, 0);
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_nsec += (ms % 1000) * 1000000L;
  ts.tv_sec += ms / 1000 + ts.tv_nsec / 1000000000L;
  ts.tv_nsec %= 1000000000L;
  sem_timedwait(&s, &ts);
  sem_destroy(&s);
}

static volatile int g_task_pid;
static volatile int g_task_tid;
static volatile int g_task_argc;
static char g_task_arg1[16];

static int args_task(int argc, char* argv[]) {
  g_task_pid = getpid();
  g_task_tid = gettid();
  g_task_argc = argc;
  if (argc > 1) strncpy(g_task_arg1, argv[1], sizeof g_task_arg1 - 1);
  return argc + 40;
}

OSTEST(task_create_and_waitpid) {
  char* argv[] = {"hello", "world", NULL};
  int status = -1;
  int pid = task_create("t-args", 100, 4096, args_task, argv);
  OT_EXPECT(pid > 0);
  OT_EXPECT_EQ(waitpid(pid, &status, 0), pid);
  OT_EXPECT(WIFEXITED(status));
  OT_EXPECT_EQ(WEXITSTATUS(status), 43); /* argv[0] is the name */
  OT_EXPECT_EQ(g_task_pid, pid);
  OT_EXPECT_EQ(g_task_tid, pid); /* a task's main thread id is its pid */
  OT_EXPECT_EQ(g_task_argc, 3);
  OT_EXPECT(strcmp(g_task_arg1, "hello") == 0);
  /* Reaped: a second wait finds no such child. */
  OT_EXPECT_EQ(waitpid(pid, &status, 0), -1);
  OT_EXPECT_EQ(errno, ECHILD);
  OT_EXPECT(getpid() > 0);
}

static sem_t g_gate;

static int gate_task(int argc, char* argv[]) {
  (void)argc;
  (void)argv;
  sem_wait(&g_gate);
  return 7;
}

OSTEST(task_waitpid_any_and_nohang) {
  int status = -1;
  sem_init(&g_gate, 0, 0);
  int pid = task_create("t-gate", 100, 4096, gate_task, NULL);
  OT_EXPECT(pid > 0);
  OT_EXPECT_EQ(waitpid(pid, &status, WNOHANG), 0);
  sem_post(&g_gate);
  OT_EXPECT_EQ(waitpid(-1, &status, 0), pid);
  OT_EXPECT_EQ(WEXITSTATUS(status), 7);
  OT_EXPECT_EQ(waitpid(-1, &status, WNOHANG), -1);
  OT_EXPECT_EQ(errno, ECHILD);
  sem_destroy(&g_gate);
}

static int exit_task_fn(int argc, char* argv[]) {
  (void)argc;
  (void)argv;
  _exit(9);
  return 0;
}

OSTEST(task_exit_status) {
  int status = -1;
  int pid = task_create("t-exit", 100, 4096, exit_task_fn, NULL);
  OT_EXPECT_EQ(waitpid(pid, &status, 0), pid);
  OT_EXPECT_EQ(WEXITSTATUS(status), 9);
}

static volatile int g_delete_reached_end;

static int blocked_task(int argc, char* argv[]) {
  (void)argc;
  (void)argv;
  sem_wait(&g_gate); /* never posted: deleted while waiting */
  g_delete_reached_end = 1;
  return 0;
}

OSTEST(task_delete_blocked_task) {
  int status = -1;
  g_delete_reached_end = 0;
  sem_init(&g_gate, 0, 0);
  int pid = task_create("t-victim", 100, 4096, blocked_task, NULL);
  OT_EXPECT(pid > 0);
  task_sleep_ms(20);
  OT_EXPECT_EQ(task_delete(pid), 0);
  OT_EXPECT_EQ(waitpid(pid, &status, 0), pid);
  OT_EXPECT_EQ(g_delete_reached_end, 0);
  OT_EXPECT_EQ(task_delete(pid), -1);
  OT_EXPECT_EQ(errno, ESRCH);
  sem_destroy(&g_gate);
}

static volatile int g_restarts;

static int restart_task(int argc, char* argv[]) {
  (void)argc;
  (void)argv;
  g_restarts++;
  if (g_restarts >= 2) return 5;
  sem_wait(&g_gate); /* restarted from here */
  return 1;
}

OSTEST(task_restart_runs_entry_again) {
  int status = -1;
  g_restarts = 0;
  sem_init(&g_gate, 0, 0);
  int pid = task_create("t-restart", 100, 4096, restart_task, NULL);
  task_sleep_ms(20);
  OT_EXPECT_EQ(g_restarts, 1);
  OT_EXPECT_EQ(task_restart(pid), 0);
  OT_EXPECT_EQ(waitpid(pid, &status, 0), pid); /* same pid after the restart */
  OT_EXPECT_EQ(g_restarts, 2);
  OT_EXPECT_EQ(WEXITSTATUS(status), 5);
  sem_destroy(&g_gate);
}

OSTEST(task_bad_input) {
  int status;
  OT_EXPECT_EQ(task_create("bad", 100, 4096, NULL, NULL), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(task_create("bad", 0, 4096, args_task, NULL), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(task_create("bad", 256, 4096, args_task, NULL), -1);
  OT_EXPECT_EQ(task_create("bad", 100, -1, args_task, NULL), -1);
  OT_EXPECT_EQ(task_delete(-5), -1);
  OT_EXPECT_EQ(errno, ESRCH);
  OT_EXPECT_EQ(task_delete(99999), -1);
  OT_EXPECT_EQ(task_restart(99999), -1);
  OT_EXPECT_EQ(errno, ESRCH);
  OT_EXPECT_EQ(task_restart(0), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(waitpid(0, &status, 0), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(waitpid(-1, &status, 0x100), -1);
  OT_EXPECT_EQ(waitpid(12345, &status, 0), -1);
  OT_EXPECT_EQ(errno, ECHILD);
  /* A pthread id is not a task. */
  OT_EXPECT_EQ(task_delete(gettid() == getpid() ? 99998 : gettid()), -1);
}
