/* ostest: message queues: send/receive between threads, priority order
 * (FIFO within a priority), non-blocking and timed calls, attributes,
 * named lifetime (O_EXCL, unlink, close), mq_notify with SIGEV_SIGNAL and
 * SIGEV_THREAD, and bad input (EBADF, EMSGSIZE, EINVAL, ETIMEDOUT). */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ostest.h"

static struct mq_attr mq_attrs(long maxmsg, long msgsize) {
  struct mq_attr a;
  memset(&a, 0, sizeof(a));
  a.mq_maxmsg = maxmsg;
  a.mq_msgsize = msgsize;
  return a;
}

static void mq_abs_ms(struct timespec* ts, long ms) {
  clock_gettime(CLOCK_REALTIME, ts);
  ts->tv_nsec += (ms % 1000) * 1000000L;
  ts->tv_sec += ms / 1000 + ts->tv_nsec / 1000000000L;
  ts->tv_nsec %= 1000000000L;
}

static volatile int g_mq_received;

static void* mq_receiver(void* arg) {
  mqd_t q = mq_open("/mqt_pp", O_RDONLY);
  char buf[32];
  (void)arg;
  for (int i = 0; i < 50; i++) {
    unsigned prio = 99;
    ssize_t n = mq_receive(q, buf, sizeof(buf), &prio);
    if (n != 4 || buf[0] != (char)i || prio != 1) break;
    g_mq_received++;
  }
  mq_close(q);
  return NULL;
}

OSTEST(mqueue_send_receive_between_threads) {
  struct mq_attr a = mq_attrs(4, 32);
  mqd_t q = mq_open("/mqt_pp", O_CREAT | O_WRONLY, 0666, &a);
  OT_ASSERT(q != (mqd_t)-1);
  g_mq_received = 0;
  pthread_t th;
  OT_ASSERT(pthread_create(&th, NULL, mq_receiver, NULL) == 0);
  for (int i = 0; i < 50; i++) {
    char msg[4] = {(char)i, 1, 2, 3};
    OT_EXPECT_EQ(mq_send(q, msg, 4, 1), 0); /* blocks while 4 are queued */
  }
  pthread_join(th, NULL);
  OT_EXPECT_EQ(g_mq_received, 50);
  OT_EXPECT_EQ(mq_close(q), 0);
  OT_EXPECT_EQ(mq_unlink("/mqt_pp"), 0);
}

OSTEST(mqueue_priority_order) {
  struct mq_attr a = mq_attrs(8, 8);
  mqd_t q = mq_open("mqt_prio", O_CREAT | O_RDWR, 0666, &a);
  OT_ASSERT(q != (mqd_t)-1);
  const unsigned prios[] = {1, 5, 1, 9, 5, 0};
  for (int i = 0; i < 6; i++) {
    char m = (char)('a' + i);
    OT_EXPECT_EQ(mq_send(q, &m, 1, prios[i]), 0);
  }
  const char order[] = "dbeacf"; /* 9, 5 5, 1 1, 0: FIFO within a priority */
  for (int i = 0; i < 6; i++) {
    char buf[8];
    unsigned prio;
    OT_EXPECT_EQ(mq_receive(q, buf, sizeof(buf), &prio), 1);
    OT_EXPECT_EQ(buf[0], order[i]);
  }
  mq_close(q);
  mq_unlink("mqt_prio");
}

OSTEST(mqueue_nonblocking_and_timed) {
  struct mq_attr a = mq_attrs(1, 8), got;
  mqd_t q = mq_open("mqt_nb", O_CREAT | O_RDWR | O_NONBLOCK, 0666, &a);
  OT_ASSERT(q != (mqd_t)-1);
  char buf[8];
  OT_EXPECT_EQ(mq_receive(q, buf, sizeof(buf), NULL), -1);
  OT_EXPECT_EQ(errno, EAGAIN);
  OT_EXPECT_EQ(mq_send(q, "x", 1, 0), 0);
  OT_EXPECT_EQ(mq_send(q, "y", 1, 0), -1);
  OT_EXPECT_EQ(errno, EAGAIN);
  OT_EXPECT_EQ(mq_getattr(q, &got), 0);
  OT_EXPECT_EQ(got.mq_curmsgs, 1);
  OT_EXPECT_EQ(got.mq_maxmsg, 1);
  OT_EXPECT_EQ(got.mq_msgsize, 8);
  OT_EXPECT(got.mq_flags & O_NONBLOCK);
  /* Blocking again: a timed send on the full queue times out. */
  struct mq_attr blk = mq_attrs(0, 0), old;
  OT_EXPECT_EQ(mq_setattr(q, &blk, &old), 0);
  OT_EXPECT(old.mq_flags & O_NONBLOCK);
  struct timespec ts;
  mq_abs_ms(&ts, 30);
  OT_EXPECT_EQ(mq_timedsend(q, "y", 1, 0, &ts), -1);
  OT_EXPECT_EQ(errno, ETIMEDOUT);
  OT_EXPECT_EQ(mq_receive(q, buf, sizeof(buf), NULL), 1);
  mq_abs_ms(&ts, 30);
  OT_EXPECT_EQ(mq_timedreceive(q, buf, sizeof(buf), NULL, &ts), -1);
  OT_EXPECT_EQ(errno, ETIMEDOUT);
  /* An already expired or malformed timeout. */
  ts.tv_sec = 0;
  ts.tv_nsec = 0;
  OT_EXPECT_EQ(mq_timedreceive(q, buf, sizeof(buf), NULL, &ts), -1);
  OT_EXPECT_EQ(errno, ETIMEDOUT);
  ts.tv_nsec = 2000000000L;
  OT_EXPECT_EQ(mq_timedreceive(q, buf, sizeof(buf), NULL, &ts), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  mq_close(q);
  mq_unlink("mqt_nb");
}

OSTEST(mqueue_named_lifetime) {
  struct mq_attr a = mq_attrs(2, 4);
  mqd_t q = mq_open("mqt_life", O_CREAT | O_EXCL | O_RDWR, 0666, &a);
  OT_ASSERT(q != (mqd_t)-1);
  OT_EXPECT_EQ(mq_open("mqt_life", O_CREAT | O_EXCL | O_RDWR, 0666, &a), -1);
  OT_EXPECT_EQ(errno, EEXIST);
  mqd_t q2 = mq_open("mqt_life", O_RDWR);
  OT_EXPECT(q2 != (mqd_t)-1 && q2 != q);
  OT_EXPECT_EQ(mq_send(q, "ab", 2, 0), 0);
  OT_EXPECT_EQ(mq_unlink("mqt_life"), 0);
  OT_EXPECT_EQ(mq_open("mqt_life", O_RDWR), -1);
  OT_EXPECT_EQ(errno, ENOENT);
  char buf[4];
  OT_EXPECT_EQ(mq_receive(q2, buf, sizeof(buf), NULL), 2); /* still usable */
  OT_EXPECT_EQ(mq_close(q), 0);
  OT_EXPECT_EQ(mq_close(q2), 0);
  OT_EXPECT_EQ(mq_close(q2), -1);
  OT_EXPECT_EQ(errno, EBADF);
  OT_EXPECT_EQ(mq_unlink("mqt_life"), -1);
  OT_EXPECT_EQ(errno, ENOENT);
}

static volatile int g_mq_sig;
static volatile int g_mq_sigval;
static volatile int g_mq_sigcode;
static void mq_sig_handler(int signo, siginfo_t* info, void* ctx) {
  (void)ctx;
  g_mq_sig = signo;
  g_mq_sigval = info->si_value.sival_int;
  g_mq_sigcode = info->si_code;
}

static volatile int g_mq_thread_val;
static void mq_thread_notify(union sigval v) { g_mq_thread_val = v.sival_int; }

OSTEST(mqueue_notify_signal_and_thread) {
  struct mq_attr a = mq_attrs(4, 4);
  mqd_t q = mq_open("mqt_notify", O_CREAT | O_RDWR, 0666, &a);
  OT_ASSERT(q != (mqd_t)-1);
  struct sigaction act, oact;
  memset(&act, 0, sizeof(act));
  act.sa_sigaction = mq_sig_handler;
  act.sa_flags = SA_SIGINFO;
  OT_EXPECT_EQ(sigaction(SIGUSR1, &act, &oact), 0);
  struct sigevent ev;
  memset(&ev, 0, sizeof(ev));
  ev.sigev_notify = SIGEV_SIGNAL;
  ev.sigev_signo = SIGUSR1;
  ev.sigev_value.sival_int = 77;
  g_mq_sig = 0;
  OT_EXPECT_EQ(mq_notify(q, &ev), 0);
  OT_EXPECT_EQ(mq_notify(q, &ev), -1); /* one registration per queue */
  OT_EXPECT_EQ(errno, EBUSY);
  OT_EXPECT_EQ(mq_send(q, "a", 1, 0), 0); /* empty -> non-empty: notifies */
  OT_EXPECT_EQ(g_mq_sig, SIGUSR1);
  OT_EXPECT_EQ(g_mq_sigval, 77);
  OT_EXPECT_EQ(g_mq_sigcode, SI_MESGQ);
  g_mq_sig = 0;
  OT_EXPECT_EQ(mq_send(q, "b", 1, 0), 0); /* registration was consumed */
  OT_EXPECT_EQ(g_mq_sig, 0);
  char buf[4];
  mq_receive(q, buf, 4, NULL);
  mq_receive(q, buf, 4, NULL);
  memset(&ev, 0, sizeof(ev));
  ev.sigev_notify = SIGEV_THREAD;
  ev.sigev_notify_function = mq_thread_notify;
  ev.sigev_value.sival_int = 55;
  g_mq_thread_val = 0;
  OT_EXPECT_EQ(mq_notify(q, &ev), 0);
  OT_EXPECT_EQ(mq_send(q, "c", 1, 0), 0);
  for (int i = 0; i < 6000 && !g_mq_thread_val; i++) usleep(5000);
  OT_EXPECT_EQ(g_mq_thread_val, 55);
  OT_EXPECT_EQ(mq_notify(q, NULL), 0);
  sigaction(SIGUSR1, &oact, NULL);
  mq_close(q);
  mq_unlink("mqt_notify");
}

OSTEST(mqueue_bad_input) {
  struct mq_attr a = mq_attrs(2, 4), bad = mq_attrs(0, 4);
  char buf[8];
  OT_EXPECT_EQ(mq_open(NULL, O_RDWR), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(mq_open("mqt_bad", O_CREAT | O_RDWR, 0666, &bad), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(mq_open("mqt_does_not_exist", O_RDWR), -1);
  OT_EXPECT_EQ(errno, ENOENT);
  OT_EXPECT_EQ(mq_send((mqd_t)-1, "a", 1, 0), -1);
  OT_EXPECT_EQ(errno, EBADF);
  OT_EXPECT_EQ(mq_receive((mqd_t)12345, buf, 8, NULL), -1);
  OT_EXPECT_EQ(errno, EBADF);
  OT_EXPECT_EQ(mq_close((mqd_t)0), -1);
  OT_EXPECT_EQ(errno, EBADF);
  mqd_t q = mq_open("mqt_bad", O_CREAT | O_WRONLY, 0666, &a);
  OT_ASSERT(q != (mqd_t)-1);
  OT_EXPECT_EQ(mq_send(q, "toolong", 7, 0), -1);
  OT_EXPECT_EQ(errno, EMSGSIZE);
  OT_EXPECT_EQ(mq_send(q, "a", 1, MQ_PRIO_MAX), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(mq_receive(q, buf, 8, NULL), -1); /* write-only descriptor */
  OT_EXPECT_EQ(errno, EBADF);
  mqd_t r = mq_open("mqt_bad", O_RDONLY);
  OT_EXPECT_EQ(mq_receive(r, buf, 2, NULL), -1); /* buffer below msgsize */
  OT_EXPECT_EQ(errno, EMSGSIZE);
  OT_EXPECT_EQ(mq_send(r, "a", 1, 0), -1);
  OT_EXPECT_EQ(errno, EBADF);
  OT_EXPECT_EQ(mq_getattr(q, NULL), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  mq_close(q);
  mq_close(r);
  mq_unlink("mqt_bad");
}
