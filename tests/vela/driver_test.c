/* ostest case for the NuttX driver model through the VFS: a task registers
 * a small mailbox character driver with register_driver; the test task
 * opens, writes, reads, ioctls and polls it, and a third task's write wakes
 * the poll through poll_notify. */
#include <errno.h>
#include <fcntl.h>
#include <nuttx/fs/fs.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ostest.h"

#define DEV "/dev/ostest_mbox"
#define MBOX_IOC_LEN 0x7801 /* returns the bytes waiting */

/* One message slot; the driver is used by one test at a time. As in any
 * NuttX driver, one lock serialises the operations with poll setup and
 * teardown: without it a poll_notify from a writer on another CPU could
 * touch the pollfd the VFS is tearing down (and then freeing). */
static struct {
  char data[32];
  volatile int len;
  struct pollfd* waiter; /* the one poll() registered, NuttX style */
  volatile int opens;
} mbox;

static pthread_mutex_t mbox_lock = PTHREAD_MUTEX_INITIALIZER;

static volatile int registered; /* 1 registered, 2 asked to go, 3 gone */

static short mbox_events(void) { return mbox.len ? POLLIN : POLLOUT; }

static int mbox_open(struct file* f) {
  (void)f;
  ++mbox.opens;
  return 0;
}

static int mbox_close(struct file* f) {
  (void)f;
  --mbox.opens;
  return 0;
}

static ssize_t mbox_read(struct file* f, char* buf, size_t n) {
  pthread_mutex_lock(&mbox_lock);
  if (!mbox.len) {
    pthread_mutex_unlock(&mbox_lock);
    return (f->f_oflags & O_NONBLOCK) ? -11 /* EAGAIN */ : 0;
  }
  if (n > (size_t)mbox.len) n = mbox.len;
  memcpy(buf, mbox.data, n);
  mbox.len = 0;
  poll_notify(&mbox.waiter, 1, POLLOUT);
  pthread_mutex_unlock(&mbox_lock);
  return (ssize_t)n;
}

static ssize_t mbox_write(struct file* f, const char* buf, size_t n) {
  (void)f;
  pthread_mutex_lock(&mbox_lock);
  if (mbox.len) {
    pthread_mutex_unlock(&mbox_lock);
    return -11; /* EAGAIN: one message at a time */
  }
  if (n > sizeof mbox.data) n = sizeof mbox.data;
  memcpy(mbox.data, buf, n);
  mbox.len = (int)n;
  poll_notify(&mbox.waiter, 1, POLLIN);
  pthread_mutex_unlock(&mbox_lock);
  return (ssize_t)n;
}

static int mbox_ioctl(struct file* f, int cmd, unsigned long arg) {
  (void)f;
  if (cmd != MBOX_IOC_LEN) return -25; /* ENOTTY */
  int* out = (int*)arg;
  if (!out) return -14; /* EFAULT */
  *out = mbox.len;
  return 0;
}

static int mbox_poll(struct file* f, struct pollfd* fds, bool setup) {
  (void)f;
  int rc = 0;
  pthread_mutex_lock(&mbox_lock);
  if (!setup) {
    if (mbox.waiter == fds) mbox.waiter = NULL;
  } else if (mbox.waiter) {
    rc = -16; /* EBUSY: one poller */
  } else {
    mbox.waiter = fds;
    poll_notify(&mbox.waiter, 1, mbox_events());
  }
  pthread_mutex_unlock(&mbox_lock);
  return rc;
}

static const struct file_operations mbox_ops = {
    .open = mbox_open,
    .close = mbox_close,
    .read = mbox_read,
    .write = mbox_write,
    .ioctl = mbox_ioctl,
    .poll = mbox_poll,
};

/* The driver's own task: registers, waits to be told, unregisters. */
static int driver_task(int argc, char** argv) {
  (void)argc, (void)argv;
  if (register_driver(DEV, &mbox_ops, 0666, &mbox) < 0) return 1;
  registered = 1;
  while (registered != 2) poll(NULL, 0, 5);
  int rc = unregister_driver(DEV);
  registered = 3;
  return rc < 0 ? 2 : 0;
}

static int late_writer(int argc, char** argv) {
  (void)argc, (void)argv;
  poll(NULL, 0, 50);
  int fd = open(DEV, O_WRONLY);
  if (fd < 0) return 1;
  int ok = write(fd, "late", 4) == 4;
  close(fd);
  return ok ? 0 : 2;
}

OSTEST(driver_register_open_rw_poll) {
  memset((void*)&mbox, 0, sizeof mbox);
  registered = 0;
  int drv = task_create("mbox_driver", 110, 8192, driver_task, NULL);
  OT_ASSERT(drv > 0);
  for (int i = 0; i < 200 && registered != 1; ++i) poll(NULL, 0, 5);
  OT_ASSERT(registered == 1);

  int fd = open(DEV, O_RDWR);
  OT_ASSERT(fd >= 0);
  OT_EXPECT_EQ(mbox.opens, 1);
  struct pollfd pf = {.fd = fd, .events = POLLIN | POLLOUT};
  OT_EXPECT_EQ(poll(&pf, 1, 0), 1);
  OT_EXPECT_EQ(pf.revents, POLLOUT); /* empty: writable only */
  OT_EXPECT_EQ(write(fd, "hello", 5), 5);
  OT_EXPECT_EQ(write(fd, "again", 5), -1);
  OT_EXPECT_EQ(errno, EAGAIN);
  int waiting = -1;
  OT_EXPECT_EQ(ioctl(fd, MBOX_IOC_LEN, (unsigned long)&waiting), 0);
  OT_EXPECT_EQ(waiting, 5);
  OT_EXPECT_EQ(ioctl(fd, 0x1234, 0ul), -1);
  OT_EXPECT_EQ(errno, ENOTTY);
  pf.events = POLLIN;
  OT_EXPECT_EQ(poll(&pf, 1, 0), 1);
  OT_EXPECT(pf.revents & POLLIN);
  char buf[16] = {0};
  OT_EXPECT_EQ(read(fd, buf, sizeof buf), 5);
  OT_EXPECT(memcmp(buf, "hello", 5) == 0);

  /* A write from a third task wakes a blocked poll (poll_notify). */
  OT_EXPECT_EQ(poll(&pf, 1, 0), 0);
  int w = task_create("mbox_writer", 100, 8192, late_writer, NULL);
  OT_ASSERT(w > 0);
  OT_EXPECT_EQ(poll(&pf, 1, 5000), 1);
  OT_EXPECT(pf.revents & POLLIN);
  OT_EXPECT_EQ(read(fd, buf, sizeof buf), 4);
  OT_EXPECT(memcmp(buf, "late", 4) == 0);
  int status = -1;
  OT_EXPECT_EQ(waitpid(w, &status, 0), w);
  OT_EXPECT_EQ(WEXITSTATUS(status), 0);
  OT_EXPECT_EQ(close(fd), 0);
  OT_EXPECT_EQ(mbox.opens, 0);

  registered = 2;
  OT_EXPECT_EQ(waitpid(drv, &status, 0), drv);
  OT_EXPECT_EQ(WEXITSTATUS(status), 0);
  OT_EXPECT_EQ(open(DEV, O_RDWR), -1);
  OT_EXPECT_EQ(errno, ENOENT);
}
