/* ostest: signals against blocking calls (sem_wait/sem_timedwait, poll and
 * select end with EINTR after the handler ran; pthread_cond_wait runs the
 * handler and keeps waiting, as POSIX requires), wait statuses of tasks
 * ended by a signal's default action (WIFSIGNALED/WTERMSIG) versus exit
 * (WIFEXITED/WEXITSTATUS), and malloc inside a signal handler that
 * interrupts malloc/free. */
#include <errno.h>
#include <fusion/runtime.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ostest.h"

static volatile int g_ei_handled;

static void ei_handler(int signo) {
  (void)signo;
  g_ei_handled++;
}

static void ei_catch(int signo) {
  struct sigaction act;
  memset(&act, 0, sizeof act);
  act.sa_handler = ei_handler;
  sigaction(signo, &act, NULL);
}

static void ei_default(int signo) {
  struct sigaction act;
  memset(&act, 0, sizeof act);
  act.sa_handler = SIG_DFL;
  sigaction(signo, &act, NULL);
}

/* A thread runs one blocking call; it records the result, errno and
 * whether the handler had run when the call returned. */
enum ei_call { EI_SEM, EI_SEM_TIMED, EI_POLL, EI_SELECT };
static sem_t g_ei_sem;
static int g_ei_pipe[2];
static volatile int g_ei_ret, g_ei_errno, g_ei_seen, g_ei_started;

static void* ei_blocker(void* arg) {
  enum ei_call call = (enum ei_call)(long)arg;
  int r = 0;
  g_ei_started = 1;
  if (call == EI_SEM) {
    r = sem_wait(&g_ei_sem);
  } else if (call == EI_SEM_TIMED) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 10;
    r = sem_timedwait(&g_ei_sem, &ts);
  } else if (call == EI_POLL) {
    struct pollfd pf = {.fd = g_ei_pipe[0], .events = POLLIN};
    r = poll(&pf, 1, -1);
  } else {
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(g_ei_pipe[0], &rd);
    r = select(g_ei_pipe[0] + 1, &rd, NULL, NULL, NULL);
  }
  g_ei_errno = errno;
  g_ei_seen = g_ei_handled;
  g_ei_ret = r;
  return NULL;
}

static void ei_interrupt(enum ei_call call) {
  pthread_t t;
  g_ei_handled = g_ei_seen = g_ei_started = 0;
  g_ei_ret = 99;
  g_ei_errno = 0;
  ei_catch(SIGUSR1);
  OT_ASSERT(pthread_create(&t, NULL, ei_blocker, (void*)(long)call) == 0);
  while (!g_ei_started) usleep(1000);
  usleep(30000); /* now blocked */
  OT_EXPECT_EQ(g_ei_ret, 99);
  OT_EXPECT_EQ(pthread_kill(t, SIGUSR1), 0);
  pthread_join(t, NULL);
  OT_EXPECT_EQ(g_ei_ret, -1);
  OT_EXPECT_EQ(g_ei_errno, EINTR);
  OT_EXPECT_EQ(g_ei_seen, 1); /* the handler ran before the call returned */
  ei_default(SIGUSR1);
}

OSTEST(eintr_sem_wait) {
  sem_init(&g_ei_sem, 0, 0);
  ei_interrupt(EI_SEM);
  ei_interrupt(EI_SEM_TIMED);
  OT_EXPECT_EQ(sem_post(&g_ei_sem), 0); /* the count is untouched */
  OT_EXPECT_EQ(sem_trywait(&g_ei_sem), 0);
  OT_EXPECT_EQ(sem_destroy(&g_ei_sem), 0); /* no waiter left behind */
}

OSTEST(eintr_poll_select) {
  OT_ASSERT(pipe(g_ei_pipe) == 0);
  ei_interrupt(EI_POLL);
  ei_interrupt(EI_SELECT);
  close(g_ei_pipe[0]);
  close(g_ei_pipe[1]);
}

/* A blocked signal does not interrupt; it stays pending. */
OSTEST(eintr_blocked_signal_waits) {
  sigset_t m;
  sigemptyset(&m);
  sigaddset(&m, SIGUSR1);
  ei_catch(SIGUSR1);
  g_ei_handled = 0;
  OT_ASSERT(sigprocmask(SIG_BLOCK, &m, NULL) == 0);
  sem_init(&g_ei_sem, 0, 0);
  raise(SIGUSR1);
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_nsec += 20000000;
  if (ts.tv_nsec >= 1000000000) {
    ts.tv_sec++;
    ts.tv_nsec -= 1000000000;
  }
  errno = 0;
  OT_EXPECT_EQ(sem_timedwait(&g_ei_sem, &ts), -1);
  OT_EXPECT_EQ(errno, ETIMEDOUT);
  OT_EXPECT_EQ(g_ei_handled, 0);
  OT_EXPECT_EQ(sigprocmask(SIG_UNBLOCK, &m, NULL), 0);
  OT_EXPECT_EQ(g_ei_handled, 1); /* delivered on unblocking */
  sem_destroy(&g_ei_sem);
  ei_default(SIGUSR1);
}

/* pthread_cond_wait: the handler runs, the wait goes on (POSIX: no EINTR). */
static pthread_mutex_t g_ei_mx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_ei_cv = PTHREAD_COND_INITIALIZER;
static volatile int g_ei_ready, g_ei_handled_while_waiting;

static void* ei_cond_waiter(void* arg) {
  int timed = (int)(long)arg;
  int r = 0;
  pthread_mutex_lock(&g_ei_mx);
  g_ei_started = 1;
  while (!g_ei_ready && r == 0) {
    if (timed) {
      struct timespec ts;
      clock_gettime(CLOCK_REALTIME, &ts);
      ts.tv_sec += 10;
      r = pthread_cond_timedwait(&g_ei_cv, &g_ei_mx, &ts);
    } else {
      r = pthread_cond_wait(&g_ei_cv, &g_ei_mx);
    }
    if (r == 0 && !g_ei_ready && g_ei_handled) g_ei_handled_while_waiting = 1;
  }
  g_ei_ret = r;
  g_ei_seen = g_ei_handled;
  pthread_mutex_unlock(&g_ei_mx);
  return NULL;
}

static void ei_cond_case(int timed) {
  pthread_t t;
  g_ei_handled = g_ei_seen = g_ei_started = g_ei_ready = 0;
  g_ei_handled_while_waiting = 0;
  g_ei_ret = 99;
  ei_catch(SIGUSR1);
  OT_ASSERT(pthread_create(&t, NULL, ei_cond_waiter, (void*)(long)timed) == 0);
  while (!g_ei_started) usleep(1000);
  usleep(30000);
  OT_EXPECT_EQ(pthread_kill(t, SIGUSR1), 0);
  for (int i = 0; i < 30000 && !g_ei_handled; ++i) usleep(1000);
  OT_EXPECT_EQ(g_ei_handled, 1); /* ran during the wait */
  usleep(20000);
  OT_EXPECT_EQ(g_ei_ret, 99); /* still waiting */
  pthread_mutex_lock(&g_ei_mx);
  g_ei_ready = 1;
  pthread_cond_signal(&g_ei_cv);
  pthread_mutex_unlock(&g_ei_mx);
  pthread_join(t, NULL);
  OT_EXPECT_EQ(g_ei_ret, 0);
  OT_EXPECT_EQ(g_ei_seen, 1);
  ei_default(SIGUSR1);
}

OSTEST(eintr_cond_wait_resumes) {
  ei_cond_case(0);
  ei_cond_case(1);
}

/* Wait statuses. */
static int es_main(int argc, char** argv) {
  if (argc < 2) return 1;
  if (!strcmp(argv[1], "exit")) exit(3);
  if (!strcmp(argv[1], "raise")) raise(SIGUSR2); /* default action: terminate */
  if (!strcmp(argv[1], "pause")) {
    for (;;) pause();
  }
  return 4;
}

static int es_start(const char* what) {
  char* argv[] = {(char*)what, NULL};
  return task_create("exitsig", 100, 8192, es_main, argv);
}

OSTEST(exit_status_by_signal) {
  int status = 0;
  int pid = es_start("exit");
  OT_ASSERT(pid > 0);
  OT_EXPECT_EQ(waitpid(pid, &status, 0), pid);
  OT_EXPECT(WIFEXITED(status));
  OT_EXPECT(!WIFSIGNALED(status));
  OT_EXPECT_EQ(WEXITSTATUS(status), 3);

  pid = es_start("raise");
  OT_ASSERT(pid > 0);
  OT_EXPECT_EQ(waitpid(pid, &status, 0), pid);
  OT_EXPECT(WIFSIGNALED(status));
  OT_EXPECT(!WIFEXITED(status));
  OT_EXPECT_EQ(WTERMSIG(status), SIGUSR2);

  pid = es_start("pause");
  OT_ASSERT(pid > 0);
  usleep(20000);
  OT_EXPECT_EQ(kill(pid, SIGTERM), 0);
  OT_EXPECT_EQ(waitpid(pid, &status, 0), pid);
  OT_EXPECT(WIFSIGNALED(status));
  OT_EXPECT_EQ(WTERMSIG(status), SIGTERM);
  OT_EXPECT_EQ(status & 0x7f, SIGTERM); /* Linux encoding */

  pid = es_start("pause");
  OT_ASSERT(pid > 0);
  usleep(20000);
  OT_EXPECT_EQ(kill(pid, SIGKILL), 0);
  OT_EXPECT_EQ(waitpid(pid, &status, 0), pid);
  OT_EXPECT(WIFSIGNALED(status));
  OT_EXPECT_EQ(WTERMSIG(status), SIGKILL);

  pid = es_start("none");
  OT_ASSERT(pid > 0);
  OT_EXPECT_EQ(waitpid(pid, &status, 0), pid);
  OT_EXPECT(WIFEXITED(status));
  OT_EXPECT_EQ(WEXITSTATUS(status), 4);
}

/* malloc/free in a periodic timer signal's handler while the interrupted
 * thread loops in malloc/free itself. */
static volatile int g_hp_runs, g_hp_fail;

static void hp_handler(int signo) {
  (void)signo;
  void* a = malloc(48);
  void* b = malloc(1000);
  if (!a || !b) g_hp_fail = 1;
  if (a) memset(a, 0x5a, 48);
  free(b);
  free(a);
  g_hp_runs++;
}

static long long hp_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

OSTEST(heap_malloc_in_signal_handler) {
  const size_t before = fusion_heap_bytes_in_use();
  struct sigaction act;
  memset(&act, 0, sizeof act);
  act.sa_handler = hp_handler;
  OT_ASSERT(sigaction(SIGRTMIN + 4, &act, NULL) == 0);
  struct sigevent ev;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_SIGNAL;
  ev.sigev_signo = SIGRTMIN + 4;
  timer_t tm;
  OT_ASSERT(timer_create(CLOCK_MONOTONIC, &ev, &tm) == 0);
  struct itimerspec its;
  memset(&its, 0, sizeof its);
  its.it_value.tv_nsec = 1000000; /* every millisecond */
  its.it_interval.tv_nsec = 1000000;
  g_hp_runs = g_hp_fail = 0;
  OT_ASSERT(timer_settime(tm, 0, &its, NULL) == 0);
  long loops = 0;
  /* Until the handler has run often enough, not for a fixed time: a loaded
   * host can hold a vCPU back for hundreds of milliseconds. */
  const long long end = hp_now_ms() + 20000;
  while (g_hp_runs < 50 && hp_now_ms() < end) {
    void* p[8];
    for (int i = 0; i < 8; ++i) p[i] = malloc(16 + 64 * i);
    for (int i = 0; i < 8; ++i) free(p[i]);
    void* r = realloc(NULL, 100);
    r = realloc(r, 5000);
    free(r);
    ++loops;
  }
  memset(&its, 0, sizeof its);
  OT_EXPECT_EQ(timer_settime(tm, 0, &its, NULL), 0);
  OT_EXPECT_EQ(timer_delete(tm), 0);
  usleep(5000);
  act.sa_handler = SIG_IGN;
  sigaction(SIGRTMIN + 4, &act, NULL);
  OT_EXPECT(loops > 0);
  OT_EXPECT(g_hp_runs > 20);
  OT_EXPECT_EQ(g_hp_fail, 0);
  OT_EXPECT_EQ(fusion_heap_check(), 1);
  OT_EXPECT_EQ(fusion_heap_bytes_in_use(), before);
}
