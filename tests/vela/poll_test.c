/* ostest cases for poll() and select(): pipes and a FIFO written by another
 * task, timeouts, hang-up, and bad input (POLLNVAL, EBADF, EFAULT, EINVAL). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ostest.h"

#define FIFO "/tmp/poll_test.fifo"

/* Tasks share the descriptor table (flat build, one task group), so a
 * writer task gets the descriptor number as its argument. */
static int writer_main(int argc, char** argv) {
  if (argc < 3) return 2;
  int delay_ms = atoi(argv[2]);
  poll(NULL, 0, delay_ms);
  if (argv[1][0] == '/') { /* a FIFO path: open it for writing first */
    int fd = open(argv[1], O_WRONLY);
    if (fd < 0) return 3;
    int ok = write(fd, "fifo", 4) == 4;
    close(fd);
    return ok ? 0 : 4;
  }
  int fd = atoi(argv[1]);
  return write(fd, "ping", 4) == 4 ? 0 : 5;
}

static int start_writer(const char* what, int delay_ms) {
  char d[12];
  snprintf(d, sizeof d, "%d", delay_ms);
  char* argv[] = {(char*)what, d, NULL};
  return task_create("poll_writer", 100, 8192, writer_main, argv);
}

static int wait_status(int pid) {
  int status = -1;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WEXITSTATUS(status);
}

OSTEST(poll_pipe_timeout_then_data) {
  int p[2];
  OT_ASSERT(pipe(p) == 0);
  struct pollfd pf = {.fd = p[0], .events = POLLIN};
  OT_EXPECT_EQ(poll(&pf, 1, 0), 0);
  OT_EXPECT_EQ(poll(&pf, 1, 30), 0); /* times out */
  OT_EXPECT_EQ(pf.revents, 0);
  struct pollfd out = {.fd = p[1], .events = POLLOUT};
  OT_EXPECT_EQ(poll(&out, 1, 0), 1); /* an empty pipe is writable */
  OT_EXPECT(out.revents & POLLOUT);
  OT_EXPECT_EQ(write(p[1], "x", 1), 1);
  OT_EXPECT_EQ(poll(&pf, 1, -1), 1);
  OT_EXPECT(pf.revents & POLLIN);
  char c;
  OT_EXPECT_EQ(read(p[0], &c, 1), 1);
  /* Hang-up once the last writer is gone; read then sees end of file. */
  close(p[1]);
  OT_EXPECT_EQ(poll(&pf, 1, 1000), 1);
  OT_EXPECT(pf.revents & POLLHUP);
  OT_EXPECT_EQ(read(p[0], &c, 1), 0);
  close(p[0]);
}

OSTEST(poll_pipe_between_tasks) {
  int p[2];
  OT_ASSERT(pipe(p) == 0);
  char fd[12];
  snprintf(fd, sizeof fd, "%d", p[1]);
  int pid = start_writer(fd, 50);
  OT_ASSERT(pid > 0);
  struct pollfd pf = {.fd = p[0], .events = POLLIN};
  OT_EXPECT_EQ(poll(&pf, 1, 5000), 1); /* woken by the writer task */
  OT_EXPECT(pf.revents & POLLIN);
  char buf[8] = {0};
  OT_EXPECT_EQ(read(p[0], buf, sizeof buf), 4);
  OT_EXPECT(memcmp(buf, "ping", 4) == 0);
  OT_EXPECT_EQ(wait_status(pid), 0);
  close(p[0]);
  close(p[1]);
}

OSTEST(poll_fifo_between_tasks) {
  unlink(FIFO);
  OT_ASSERT(mkfifo(FIFO, 0666) == 0);
  struct stat st;
  OT_EXPECT_EQ(stat(FIFO, &st), 0);
  OT_EXPECT(S_ISFIFO(st.st_mode));
  OT_EXPECT_EQ(mkfifo(FIFO, 0666), -1);
  OT_EXPECT_EQ(errno, EEXIST);
  int fd = open(FIFO, O_RDONLY | O_NONBLOCK);
  OT_ASSERT(fd >= 0);
  int pid = start_writer(FIFO, 20);
  OT_ASSERT(pid > 0);
  struct pollfd pf = {.fd = fd, .events = POLLIN};
  char buf[8] = {0};
  int got = 0;
  /* Without a writer the FIFO reports hang-up and end of file at once, so
   * poll returns early until the writer task has opened it: retry. */
  for (int i = 0; i < 200 && got < 4; ++i) {
    if (poll(&pf, 1, 200) < 0) break;
    ssize_t n = read(fd, buf + got, sizeof buf - 1 - got);
    if (n > 0)
      got += n;
    else
      poll(NULL, 0, 10);
  }
  OT_EXPECT_EQ(got, 4);
  OT_EXPECT(memcmp(buf, "fifo", 4) == 0);
  OT_EXPECT_EQ(wait_status(pid), 0);
  close(fd);
  OT_EXPECT_EQ(unlink(FIFO), 0);
}

OSTEST(select_pipe_timeout_and_ready) {
  int p[2];
  OT_ASSERT(pipe(p) == 0);
  fd_set rd;
  FD_ZERO(&rd);
  FD_SET(p[0], &rd);
  struct timeval tv = {0, 30000};
  OT_EXPECT_EQ(select(p[0] + 1, &rd, NULL, NULL, &tv), 0);
  OT_EXPECT(!FD_ISSET(p[0], &rd));
  char fd[12];
  snprintf(fd, sizeof fd, "%d", p[1]);
  int pid = start_writer(fd, 30);
  OT_ASSERT(pid > 0);
  FD_ZERO(&rd);
  FD_SET(p[0], &rd);
  fd_set wr;
  FD_ZERO(&wr);
  OT_EXPECT_EQ(select(p[0] + 1, &rd, &wr, NULL, NULL), 1); /* blocks until the write */
  OT_EXPECT(FD_ISSET(p[0], &rd));
  OT_EXPECT_EQ(wait_status(pid), 0);
  FD_ZERO(&wr);
  FD_SET(p[1], &wr);
  tv.tv_sec = 0;
  tv.tv_usec = 0;
  OT_EXPECT_EQ(select(p[1] + 1, NULL, &wr, NULL, &tv), 1);
  OT_EXPECT(FD_ISSET(p[1], &wr));
  close(p[0]);
  close(p[1]);
}

OSTEST(poll_select_bad_input) {
  OT_EXPECT_EQ(poll(NULL, 1, 0), -1);
  OT_EXPECT_EQ(errno, EFAULT);
  OT_EXPECT_EQ(poll(NULL, 0, 10), 0); /* a plain sleep */
  struct pollfd pf[2] = {{.fd = 77, .events = POLLIN}, {.fd = -1, .events = POLLIN}};
  OT_EXPECT_EQ(poll(pf, 2, 0), 1); /* bad fd: POLLNVAL, negative fd ignored */
  OT_EXPECT(pf[0].revents & POLLNVAL);
  OT_EXPECT_EQ(pf[1].revents, 0);
  fd_set rd;
  FD_ZERO(&rd);
  FD_SET(33, &rd);
  struct timeval tv = {0, 0};
  OT_EXPECT_EQ(select(34, &rd, NULL, NULL, &tv), -1);
  OT_EXPECT_EQ(errno, EBADF);
  OT_EXPECT_EQ(select(-1, NULL, NULL, NULL, &tv), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(select(FD_SETSIZE + 1, NULL, NULL, NULL, &tv), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  tv.tv_usec = 2000000;
  OT_EXPECT_EQ(select(0, NULL, NULL, NULL, &tv), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  tv.tv_usec = 10000;
  OT_EXPECT_EQ(select(0, NULL, NULL, NULL, &tv), 0); /* a plain sleep */
}
