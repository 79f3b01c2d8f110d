/* ostest: the console terminal and process groups: termios and window size
 * through the ioctls, terminal calls on a non-terminal (ENOTTY) and with bad
 * arguments, setpgid/getpgid/setsid rules, and kill() to a process group. */
#include <errno.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "ostest.h"

int getpgid(int pid);
int getsid(int pid);

OSTEST(tty_console_termios_and_winsize) {
  struct termios t;
  OT_ASSERT(isatty(0) == 1);
  OT_EXPECT_EQ(tcgetattr(0, &t), 0);
  /* --exec runs commands with the terminal as the kernel opened it. */
  OT_EXPECT((t.c_lflag & (ICANON | ECHO | ISIG)) == (ICANON | ECHO | ISIG));
  OT_EXPECT_EQ(t.c_cc[VINTR], 3);
  OT_EXPECT_EQ(t.c_cc[VEOF], 4);
  OT_EXPECT_EQ(tcsetattr(0, TCSANOW, &t), 0);
  OT_EXPECT_EQ(tcsetattr(0, 7, &t), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(tcgetattr(0, NULL), -1);
  OT_EXPECT_EQ(errno, EFAULT);
  struct winsize w, back;
  OT_EXPECT_EQ(ioctl(0, TIOCGWINSZ, (unsigned long)&w), 0);
  struct winsize big = {.ws_row = 50, .ws_col = 132};
  OT_EXPECT_EQ(ioctl(0, TIOCSWINSZ, (unsigned long)&big), 0);
  OT_EXPECT_EQ(ioctl(0, TIOCGWINSZ, (unsigned long)&back), 0);
  OT_EXPECT_EQ(back.ws_row, 50);
  OT_EXPECT_EQ(back.ws_col, 132);
  OT_EXPECT_EQ(ioctl(0, TIOCSWINSZ, (unsigned long)&w), 0);
  int n = -1;
  OT_EXPECT_EQ(ioctl(0, FIONREAD, (unsigned long)&n), 0);
  OT_EXPECT(n >= 0);
}

OSTEST(tty_calls_on_a_pipe_fail_with_enotty) {
  int p[2];
  OT_ASSERT(pipe(p) == 0);
  struct termios t;
  errno = 0;
  OT_EXPECT_EQ(isatty(p[0]), 0);
  OT_EXPECT_EQ(errno, ENOTTY);
  OT_EXPECT_EQ(tcgetattr(p[0], &t), -1);
  OT_EXPECT_EQ(errno, ENOTTY);
  OT_EXPECT_EQ(tcgetattr(99, &t), -1);
  OT_EXPECT_EQ(errno, EBADF);
  close(p[0]);
  close(p[1]);
}

static sem_t g_child_ready;

static int wait_for_usr1(int argc, char* argv[]) {
  (void)argc, (void)argv;
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigprocmask(SIG_BLOCK, &set, NULL); /* held pending until it waits */
  sem_post(&g_child_ready);
  struct timespec limit = {.tv_sec = 30}; /* a hang bound, not a timing claim */
  return sigtimedwait(&set, NULL, &limit) == SIGUSR1 ? 0 : 1;
}

OSTEST(process_groups_and_kill_to_a_group) {
  OT_EXPECT_EQ(setpgid(-1, 0), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(getpgid(4000), -1);
  OT_EXPECT_EQ(errno, ESRCH);
  OT_EXPECT_EQ(getpgid(0), getpgrp());
  OT_EXPECT_EQ(getsid(0) >= 0, 1);

  sem_init(&g_child_ready, 0, 0);
  int pid = task_create("ot-pgrp", 100, 8192, wait_for_usr1, NULL);
  OT_ASSERT(pid > 0);
  OT_EXPECT_EQ(setpgid(pid, pid), 0);
  OT_EXPECT_EQ(getpgid(pid), pid);
  OT_EXPECT_EQ(setpgid(pid, 4000), -1); /* no such group in the session */
  OT_EXPECT_EQ(errno, EPERM);
  while (sem_wait(&g_child_ready) != 0) {
  }
  OT_EXPECT_EQ(kill(-pid, SIGUSR1), 0);
  int status = -1;
  OT_EXPECT_EQ(waitpid(pid, &status, 0), pid);
  OT_EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  OT_EXPECT_EQ(kill(-pid, SIGUSR1), -1); /* the group is gone with it */
  OT_EXPECT_EQ(errno, ESRCH);
  sem_destroy(&g_child_ready);
}
