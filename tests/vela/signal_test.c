/* ostest: signals: sets, sigprocmask/pending, sigaction (SA_SIGINFO,
 * SA_RESETHAND, sa_mask), handlers run by kill/raise/pthread_kill, delivery
 * to a busy thread (asynchronous), nested handlers, sigqueue values and
 * queued realtime signals, sigwaitinfo/sigtimedwait, sigsuspend, nanosleep
 * and mq_receive interrupted with EINTR, default actions, bad input. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ostest.h"

/* The C ABI the kernel side mirrors (vela_rtos/src/signal_internal.hpp). */
#define ABI(lp64, ilp32) (sizeof(void*) == 8 ? (lp64) : (ilp32))
_Static_assert(sizeof(siginfo_t) == ABI(48, 32), "siginfo_t");
_Static_assert(sizeof(struct sigaction) == 24, "sigaction"); /* 64-bit sa_mask on both */
_Static_assert(sizeof(struct sigevent) == ABI(32, 20), "sigevent");
_Static_assert(offsetof(siginfo_t, si_pid) == ABI(20, 16), "si_pid");

static volatile int g_sig_count;
static volatile int g_sig_last;
static volatile int g_sig_value;
static volatile int g_sig_code;

static void sig_plain(int signo) {
  g_sig_last = signo;
  g_sig_count++;
}

static void sig_info(int signo, siginfo_t* info, void* ctx) {
  (void)ctx;
  g_sig_last = signo;
  g_sig_value = info->si_value.sival_int;
  g_sig_code = info->si_code;
  g_sig_count++;
}

static void sig_install(int signo, void (*fn)(int), int flags) {
  struct sigaction act;
  memset(&act, 0, sizeof(act));
  act.sa_handler = fn;
  act.sa_flags = flags;
  sigaction(signo, &act, NULL);
}

static void sig_install_info(int signo) {
  struct sigaction act;
  memset(&act, 0, sizeof(act));
  act.sa_sigaction = sig_info;
  act.sa_flags = SA_SIGINFO;
  sigaction(signo, &act, NULL);
}

static void sig_reset(void) {
  g_sig_count = 0;
  g_sig_last = 0;
  g_sig_value = 0;
  g_sig_code = 0;
}

OSTEST(signal_sets) {
  sigset_t s;
  OT_EXPECT_EQ(sigemptyset(&s), 0);
  OT_EXPECT_EQ(sigismember(&s, SIGUSR1), 0);
  OT_EXPECT_EQ(sigaddset(&s, SIGUSR1), 0);
  OT_EXPECT_EQ(sigaddset(&s, SIGRTMAX), 0);
  OT_EXPECT_EQ(sigismember(&s, SIGUSR1), 1);
  OT_EXPECT_EQ(sigismember(&s, SIGRTMAX), 1);
  OT_EXPECT_EQ(sigdelset(&s, SIGUSR1), 0);
  OT_EXPECT_EQ(sigismember(&s, SIGUSR1), 0);
  OT_EXPECT_EQ(sigfillset(&s), 0);
  OT_EXPECT_EQ(sigismember(&s, SIGINT), 1);
  OT_EXPECT_EQ(sigaddset(&s, 0), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(sigaddset(&s, NSIG), -1);
  OT_EXPECT_EQ(sigismember(NULL, 1), -1);
}

OSTEST(signal_sigprocmask_pending) {
  sigset_t set, old, pend;
  sig_install(SIGUSR2, sig_plain, 0);
  sig_reset();
  sigemptyset(&set);
  sigaddset(&set, SIGUSR2);
  OT_EXPECT_EQ(sigprocmask(SIG_BLOCK, &set, &old), 0);
  OT_EXPECT_EQ(kill(getpid(), SIGUSR2), 0);
  OT_EXPECT_EQ(g_sig_count, 0); /* blocked: stays pending */
  OT_EXPECT_EQ(sigpending(&pend), 0);
  OT_EXPECT_EQ(sigismember(&pend, SIGUSR2), 1);
  OT_EXPECT_EQ(kill(getpid(), SIGUSR2), 0); /* standard signals do not queue */
  OT_EXPECT_EQ(sigprocmask(SIG_UNBLOCK, &set, NULL), 0);
  OT_EXPECT_EQ(g_sig_count, 1); /* delivered before sigprocmask returned */
  OT_EXPECT_EQ(g_sig_last, SIGUSR2);
  sigpending(&pend);
  OT_EXPECT_EQ(sigismember(&pend, SIGUSR2), 0);
  /* SIGKILL and SIGSTOP cannot be blocked. */
  sigfillset(&set);
  OT_EXPECT_EQ(sigprocmask(SIG_SETMASK, &set, NULL), 0);
  OT_EXPECT_EQ(sigprocmask(SIG_SETMASK, &old, &set), 0);
  OT_EXPECT_EQ(sigismember(&set, SIGKILL), 0);
  OT_EXPECT_EQ(sigismember(&set, SIGSTOP), 0);
  OT_EXPECT_EQ(sigismember(&set, SIGINT), 1);
  OT_EXPECT_EQ(sigprocmask(99, &set, NULL), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  sig_install(SIGUSR2, SIG_DFL, 0);
}

OSTEST(signal_sigaction_flags) {
  struct sigaction act, old;
  memset(&act, 0, sizeof(act));
  act.sa_handler = sig_plain;
  act.sa_flags = SA_RESETHAND;
  OT_EXPECT_EQ(sigaction(SIGUSR1, &act, NULL), 0);
  OT_EXPECT_EQ(sigaction(SIGUSR1, NULL, &old), 0);
  OT_EXPECT(old.sa_handler == sig_plain);
  sig_reset();
  OT_EXPECT_EQ(raise(SIGUSR1), 0);
  OT_EXPECT_EQ(g_sig_count, 1);
  OT_EXPECT_EQ(sigaction(SIGUSR1, NULL, &old), 0);
  OT_EXPECT(old.sa_handler == SIG_DFL); /* reset on delivery */
  /* Ignored signals vanish. */
  OT_EXPECT(signal(SIGUSR1, SIG_IGN) == SIG_DFL);
  OT_EXPECT_EQ(raise(SIGUSR1), 0);
  OT_EXPECT_EQ(g_sig_count, 1);
  OT_EXPECT(signal(SIGUSR1, SIG_DFL) == SIG_IGN);
  /* SIGCHLD's default action is to ignore it. */
  OT_EXPECT_EQ(raise(SIGCHLD), 0);
  /* Uncatchable and invalid numbers. */
  OT_EXPECT_EQ(sigaction(SIGKILL, &act, NULL), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(sigaction(SIGSTOP, &act, NULL), -1);
  OT_EXPECT_EQ(sigaction(0, &act, NULL), -1);
  OT_EXPECT_EQ(sigaction(NSIG, &act, NULL), -1);
  OT_EXPECT_EQ(errno, EINVAL);
}

static volatile int g_nest_inner;
static volatile int g_nest_outer_done;
static volatile int g_nest_order[4];
static volatile int g_nest_n;

static void nest_inner(int signo) {
  (void)signo;
  g_nest_order[g_nest_n++] = 2;
  g_nest_inner++;
}

static void nest_outer(int signo) {
  (void)signo;
  g_nest_order[g_nest_n++] = 1;
  raise(SIGUSR2); /* not in sa_mask: runs nested, now */
  g_nest_order[g_nest_n++] = 3;
  g_nest_outer_done = 1;
}

OSTEST(signal_nested_handlers) {
  g_nest_n = 0;
  g_nest_inner = 0;
  g_nest_outer_done = 0;
  sig_install(SIGUSR1, nest_outer, 0);
  sig_install(SIGUSR2, nest_inner, 0);
  OT_EXPECT_EQ(raise(SIGUSR1), 0);
  OT_EXPECT_EQ(g_nest_outer_done, 1);
  OT_EXPECT_EQ(g_nest_n, 3);
  OT_EXPECT_EQ(g_nest_order[0], 1);
  OT_EXPECT_EQ(g_nest_order[1], 2);
  OT_EXPECT_EQ(g_nest_order[2], 3);
  /* With SIGUSR2 in sa_mask the inner one waits for the outer to return. */
  struct sigaction act;
  memset(&act, 0, sizeof(act));
  act.sa_handler = nest_outer;
  sigemptyset(&act.sa_mask);
  sigaddset(&act.sa_mask, SIGUSR2);
  sigaction(SIGUSR1, &act, NULL);
  g_nest_n = 0;
  OT_EXPECT_EQ(raise(SIGUSR1), 0);
  OT_EXPECT_EQ(g_nest_n, 3);
  OT_EXPECT_EQ(g_nest_order[0], 1);
  OT_EXPECT_EQ(g_nest_order[1], 3);
  OT_EXPECT_EQ(g_nest_order[2], 2);
  sig_install(SIGUSR1, SIG_DFL, 0);
  sig_install(SIGUSR2, SIG_DFL, 0);
}

static volatile int g_busy_stop;
static volatile long g_busy_loops;
static volatile pid_t g_busy_tid;
static volatile double g_busy_fp;

static void* sig_busy_thread(void* arg) {
  (void)arg;
  g_busy_tid = pthread_self();
  double x = 1.0;
  while (!g_busy_stop) { /* never blocks: only an interrupt return can run the handler */
    x = x * 1.0000001 + 0.5;
    if (x > 1e6) x = 1.0;
    g_busy_loops++;
  }
  g_busy_fp = x;
  return NULL;
}

static void sig_busy_handler(int signo) {
  double y = 3.25; /* FP in a handler must not disturb the interrupted code */
  for (int i = 0; i < 100; i++) y = y * 1.5 - 1.0;
  (void)y;
  g_sig_last = signo;
  g_sig_count++;
}

OSTEST(signal_handler_interrupts_busy_thread) {
  sig_install(SIGUSR1, sig_busy_handler, 0);
  sig_reset();
  g_busy_stop = 0;
  g_busy_tid = 0;
  pthread_t th;
  OT_ASSERT(pthread_create(&th, NULL, sig_busy_thread, NULL) == 0);
  while (!g_busy_tid) usleep(1000);
  for (int i = 0; i < 5; i++) {
    OT_EXPECT_EQ(pthread_kill(th, SIGUSR1), 0);
    for (int j = 0; j < 30000 && g_sig_count <= i; j++) usleep(1000);
  }
  OT_EXPECT_EQ(g_sig_count, 5);
  g_busy_stop = 1;
  pthread_join(th, NULL);
  OT_EXPECT(g_busy_fp >= 1.0 && g_busy_fp <= 1e6 + 1);
  sig_install(SIGUSR1, SIG_DFL, 0);
}

OSTEST(signal_sigqueue_values_and_rt_queueing) {
  sigset_t set;
  sig_install_info(SIGRTMIN);
  sig_reset();
  sigemptyset(&set);
  sigaddset(&set, SIGRTMIN);
  sigprocmask(SIG_BLOCK, &set, NULL);
  for (int i = 1; i <= 3; i++) {
    union sigval v;
    v.sival_int = i * 10;
    OT_EXPECT_EQ(sigqueue(getpid(), SIGRTMIN, v), 0);
  }
  /* Realtime signals queue every instance, in order, with their values. */
  siginfo_t info;
  for (int i = 1; i <= 3; i++) {
    OT_EXPECT_EQ(sigwaitinfo(&set, &info), SIGRTMIN);
    OT_EXPECT_EQ(info.si_value.sival_int, i * 10);
    OT_EXPECT_EQ(info.si_code, SI_QUEUE);
    OT_EXPECT_EQ(info.si_pid, getpid());
  }
  union sigval v;
  v.sival_int = 99;
  OT_EXPECT_EQ(sigqueue(getpid(), SIGRTMIN, v), 0);
  OT_EXPECT_EQ(g_sig_count, 0);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
  OT_EXPECT_EQ(g_sig_count, 1);
  OT_EXPECT_EQ(g_sig_value, 99);
  OT_EXPECT_EQ(g_sig_code, SI_QUEUE);
  sig_install(SIGRTMIN, SIG_DFL, 0);
}

static volatile pid_t g_sw_target;
static void* sig_sender(void* arg) {
  usleep(20000);
  union sigval v;
  v.sival_int = (int)(long)arg;
  sigqueue(g_sw_target, SIGRTMIN + 1, v);
  return NULL;
}

OSTEST(signal_sigtimedwait) {
  sigset_t set;
  siginfo_t info;
  sigemptyset(&set);
  sigaddset(&set, SIGRTMIN + 1);
  sigprocmask(SIG_BLOCK, &set, NULL);
  struct timespec ts = {0, 30000000};
  OT_EXPECT_EQ(sigtimedwait(&set, &info, &ts), -1);
  OT_EXPECT_EQ(errno, EAGAIN);
  ts.tv_nsec = 0; /* a poll */
  OT_EXPECT_EQ(sigtimedwait(&set, &info, &ts), -1);
  OT_EXPECT_EQ(errno, EAGAIN);
  ts.tv_nsec = -5;
  OT_EXPECT_EQ(sigtimedwait(&set, &info, &ts), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(sigwaitinfo(NULL, &info), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  /* Another thread sends while we wait. */
  g_sw_target = getpid();
  pthread_t th;
  pthread_create(&th, NULL, sig_sender, (void*)42L);
  ts.tv_sec = 2;
  ts.tv_nsec = 0;
  OT_EXPECT_EQ(sigtimedwait(&set, &info, &ts), SIGRTMIN + 1);
  OT_EXPECT_EQ(info.si_value.sival_int, 42);
  pthread_join(th, NULL);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static volatile pid_t g_kill_target_tid;
static void* sig_delayed_kill(void* arg) {
  usleep((useconds_t)(long)arg);
  pthread_kill(g_kill_target_tid, SIGUSR1);
  return NULL;
}

OSTEST(signal_nanosleep_interrupted) {
  sig_install(SIGUSR1, sig_plain, 0);
  sig_reset();
  g_kill_target_tid = pthread_self();
  pthread_t th;
  pthread_create(&th, NULL, sig_delayed_kill, (void*)30000L);
  struct timespec req = {2, 0}, rem = {0, 0};
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  OT_EXPECT_EQ(nanosleep(&req, &rem), -1);
  OT_EXPECT_EQ(errno, EINTR);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  OT_EXPECT_EQ(g_sig_count, 1); /* the handler ran before nanosleep returned */
  OT_EXPECT(t1.tv_sec - t0.tv_sec < 2);
  OT_EXPECT(rem.tv_sec >= 1 && rem.tv_sec <= 2); /* about 1.97 s left */
  pthread_join(th, NULL);
  /* sigsuspend: returns EINTR after the handler, with the old mask back. */
  sigset_t block, old, none;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigprocmask(SIG_BLOCK, &block, &old);
  sig_reset();
  pthread_create(&th, NULL, sig_delayed_kill, (void*)10000L);
  sigemptyset(&none);
  OT_EXPECT_EQ(sigsuspend(&none), -1);
  OT_EXPECT_EQ(errno, EINTR);
  OT_EXPECT_EQ(g_sig_count, 1);
  sigset_t now;
  sigprocmask(SIG_SETMASK, &old, &now);
  OT_EXPECT_EQ(sigismember(&now, SIGUSR1), 1);
  pthread_join(th, NULL);
  sig_install(SIGUSR1, SIG_DFL, 0);
}

OSTEST(signal_bad_input) {
  union sigval v;
  v.sival_int = 0;
  OT_EXPECT_EQ(kill(getpid(), -1), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(kill(getpid(), NSIG), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(kill(30000, SIGUSR1), -1);
  OT_EXPECT_EQ(errno, ESRCH);
  OT_EXPECT_EQ(kill(getpid(), 0), 0); /* existence check */
  OT_EXPECT_EQ(sigqueue(30000, SIGUSR1, v), -1);
  OT_EXPECT_EQ(errno, ESRCH);
  OT_EXPECT_EQ(sigqueue(getpid(), 100, v), -1);
  OT_EXPECT_EQ(errno, EINVAL);
  OT_EXPECT_EQ(pthread_kill(30000, SIGUSR1), ESRCH);
  OT_EXPECT_EQ(pthread_kill(pthread_self(), 200), EINVAL);
  OT_EXPECT_EQ(raise(0), -1);
  OT_EXPECT_EQ(sigpending(NULL), -1);
  OT_EXPECT_EQ(sigsuspend(NULL), -1);
  OT_EXPECT_EQ(errno, EINVAL);
}
