/* Threads and futexes: raw clone threads (CLONE_VM|FS|FILES|SIGHAND|THREAD|
 * SYSVSEM|SETTLS|PARENT_SETTID|CHILD_CLEARTID, own stack) each add 10000 to a
 * counter under a futex lock and are joined by waiting on their
 * CHILD_CLEARTID word; pthreads from static glibc do the same; the futex
 * error paths (EAGAIN on a value mismatch, ETIMEDOUT, EINVAL, EFAULT,
 * ENOSYS for PI), WAKE counts, REQUEUE/CMP_REQUEUE and the bitset ops; gettid
 * per thread; exit_group from a thread ends the whole process. */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

enum { kThreads = 4, kRounds = 10000, kStack = 64 * 1024 };

static long futex(volatile uint32_t* uaddr, int op, uint32_t val, const void* timeout,
                  volatile uint32_t* uaddr2, uint32_t val3) {
  return syscall(SYS_futex, uaddr, op, val, timeout, uaddr2, val3);
}

/* A futex lock: 0 free, 1 held, 2 held with waiters (Drepper's mutex). */
static volatile uint32_t lock_word;
static long counter;

static void lock(void) {
  uint32_t c = __sync_val_compare_and_swap(&lock_word, 0, 1);
  if (c == 0) return;
  if (c != 2) c = __sync_lock_test_and_set(&lock_word, 2);
  while (c != 0) {
    futex(&lock_word, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0);
    c = __sync_lock_test_and_set(&lock_word, 2);
  }
}

static void unlock(void) {
  if (__sync_fetch_and_sub(&lock_word, 1) != 1) {
    lock_word = 0;
    futex(&lock_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
  }
}

struct RawThread {
  volatile uint32_t tid;     /* CLONE_CHILD_CLEARTID: 0 when it exits */
  volatile uint32_t ptid;    /* CLONE_PARENT_SETTID */
  volatile uint32_t own_tid; /* gettid() in the thread */
  void* stack;
};

/* The raw thread body: no libc that needs a TLS of its own. */
static int raw_body(void* arg) {
  struct RawThread* t = arg;
  t->own_tid = syscall(SYS_gettid);
  for (int i = 0; i < kRounds; ++i) {
    lock();
    ++counter;
    unlock();
  }
  syscall(SYS_exit, 0); /* this thread only */
  return 0;
}

/* clone with a new stack, entering raw_body(arg) in the child. */
static long raw_clone(struct RawThread* t) {
  const unsigned long flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
                              CLONE_SYSVSEM | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
  /* glibc's clone() wrapper does the stack switch and calls the function. */
  return clone(raw_body, (char*)t->stack + kStack, (int)flags, t, &t->ptid, NULL, &t->tid);
}

/* Waits until *word is 0 (the kernel clears and wakes it at thread exit). */
static int join_word(volatile uint32_t* word) {
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  uint32_t v;
  while ((v = *word) != 0) {
    struct timespec step = {1, 0};
    futex(word, FUTEX_WAIT, v, &step, NULL, 0);
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec - start.tv_sec > 30) return 0; /* hang bound */
  }
  return 1;
}

static void test_raw_threads(void) {
  struct RawThread t[kThreads];
  counter = 0;
  int started = 0;
  for (int i = 0; i < kThreads; ++i) {
    t[i].tid = 0xffffffff; /* overwritten by the kernel before the thread runs */
    t[i].ptid = 0;
    t[i].own_tid = 0;
    t[i].stack = mmap(NULL, kStack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    long tid = raw_clone(&t[i]);
    CHECK(tid > 0);
    if (tid > 0) {
      ++started;
      CHECK(t[i].ptid == (uint32_t)tid);
      CHECK(tid != getpid());
    }
  }
  int joined = 0;
  for (int i = 0; i < kThreads; ++i) joined += join_word(&t[i].tid);
  CHECK(joined == kThreads);
  CHECK(started == kThreads && counter == (long)kThreads * kRounds);
  for (int i = 0; i < kThreads; ++i) {
    CHECK(t[i].own_tid == t[i].ptid); /* gettid in the thread */
    munmap(t[i].stack, kStack);
  }
  CHECK(syscall(SYS_gettid) == getpid()); /* the main thread's tid is the pid */
}

static void* pthread_body(void* arg) {
  (void)arg;
  for (int i = 0; i < kRounds; ++i) {
    lock();
    ++counter;
    unlock();
  }
  return (void*)(uintptr_t)syscall(SYS_gettid);
}

static void test_pthreads(void) {
  pthread_t th[kThreads];
  counter = 0;
  for (int i = 0; i < kThreads; ++i) CHECK(pthread_create(&th[i], NULL, pthread_body, NULL) == 0);
  uintptr_t tids[kThreads];
  for (int i = 0; i < kThreads; ++i) {
    void* r = NULL;
    CHECK(pthread_join(th[i], &r) == 0);
    tids[i] = (uintptr_t)r;
  }
  CHECK(counter == (long)kThreads * kRounds);
  CHECK(tids[0] != tids[1] && tids[0] != (uintptr_t)getpid());
  /* A pthread mutex and condition variable (futex-based in glibc). */
  static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
  CHECK(pthread_mutex_lock(&m) == 0);
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_nsec += 1000000;
  if (ts.tv_nsec >= 1000000000) {
    ts.tv_sec++;
    ts.tv_nsec -= 1000000000;
  }
  CHECK(pthread_cond_timedwait(&cv, &m, &ts) == ETIMEDOUT);
  CHECK(pthread_mutex_unlock(&m) == 0);
}

static volatile uint32_t waiter_word, requeue_target;
static volatile int waiter_result = 1000;

static int waiter_body(void* arg) {
  (void)arg;
  waiter_result = futex(&waiter_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0) == 0 ? 0 : errno;
  syscall(SYS_exit, 0);
  return 0;
}

static void test_futex_wake_and_requeue(void) {
  /* A thread waits on waiter_word; CMP_REQUEUE moves it to requeue_target;
   * a WAKE there releases it. */
  static char stack[kStack] __attribute__((aligned(16)));
  static volatile uint32_t ctid;
  waiter_word = 0;
  requeue_target = 0;
  ctid = 1;
  const unsigned long flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
                              CLONE_SYSVSEM | CLONE_CHILD_CLEARTID;
  CHECK(clone(waiter_body, stack + kStack, (int)flags, NULL, NULL, NULL, &ctid) > 0);
  /* Until the waiter is queued: requeue reports it (woken + requeued). */
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  long moved = 0;
  while (moved == 0) {
    moved =
        futex(&waiter_word, FUTEX_CMP_REQUEUE_PRIVATE, 0, (void*)(uintptr_t)1, &requeue_target, 0);
    if (moved < 0) break;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec - start.tv_sec > 30) break;
    if (moved == 0) sched_yield();
  }
  CHECK(moved == 1);
  CHECK(futex(&waiter_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 0); /* moved away */
  CHECK(futex(&requeue_target, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 1);
  CHECK(join_word(&ctid));
  CHECK(waiter_result == 0);
  /* CMP_REQUEUE with a stale expected value. */
  waiter_word = 5;
  errno = 0;
  CHECK(futex(&waiter_word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void*)1, &requeue_target, 4) == -1 &&
        errno == EAGAIN);
  /* Plain REQUEUE and WAKE with nobody waiting. */
  CHECK(futex(&waiter_word, FUTEX_REQUEUE_PRIVATE, 1, (void*)1, &requeue_target, 0) == 0);
  CHECK(futex(&waiter_word, FUTEX_WAKE, 10, NULL, NULL, 0) == 0);
  CHECK(futex(&waiter_word, FUTEX_WAKE_BITSET_PRIVATE, 10, NULL, NULL, 0xff) == 0);
}

static void test_futex_errors(void) {
  static volatile uint32_t word = 7;
  struct timespec short_wait = {0, 1000000}; /* 1 ms */
  /* Value mismatch, timeouts (relative and absolute), bad arguments. */
  CHECK_ERR(futex(&word, FUTEX_WAIT_PRIVATE, 8, NULL, NULL, 0), EAGAIN);
  CHECK_ERR(futex(&word, FUTEX_WAIT_PRIVATE, 7, &short_wait, NULL, 0), ETIMEDOUT);
  CHECK_ERR(futex(&word, FUTEX_WAIT, 7, &short_wait, NULL, 0), ETIMEDOUT);
  struct timespec past = {0, 1};
  CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 7, &past, NULL, FUTEX_BITSET_MATCH_ANY),
            ETIMEDOUT);
  CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 7, &past, NULL,
                  FUTEX_BITSET_MATCH_ANY),
            ETIMEDOUT);
  CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 7, &past, NULL, 0), EINVAL); /* bitset 0 */
  CHECK_ERR(futex(&word, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, 0), EINVAL);
  struct timespec bad = {0, 1000000000};
  CHECK_ERR(futex(&word, FUTEX_WAIT_PRIVATE, 7, &bad, NULL, 0), EINVAL);
  struct timespec negative = {-1, 0};
  CHECK_ERR(futex(&word, FUTEX_WAIT_PRIVATE, 7, &negative, NULL, 0), EINVAL);
  CHECK_ERR(futex((volatile uint32_t*)((char*)&word + 1), FUTEX_WAIT_PRIVATE, 7, NULL, NULL, 0),
            EINVAL);
  CHECK_ERR(futex(NULL, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), EFAULT);
  CHECK_ERR(futex(KERNEL_ADDRESS, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), EFAULT);
  CHECK_ERR(futex(KERNEL_ADDRESS, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), EFAULT);
  CHECK_ERR(futex(&word, FUTEX_WAIT_PRIVATE, 7, KERNEL_ADDRESS, NULL, 0), EFAULT);
  CHECK_ERR(futex(&word, FUTEX_CMP_REQUEUE_PRIVATE, (uint32_t)-1, (void*)1, &word, 7), EINVAL);
  CHECK_ERR(futex(&word, 99, 0, NULL, NULL, 0), ENOSYS);
  CHECK_ERR(futex(&word, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0), ENOSYS);
}

static int spinner(void* arg) {
  (void)arg;
  for (;;) sched_yield(); /* ended by the main thread's exit_group */
  return 0;
}

/* exit_group in a thread-filled process: the child's status is the one
 * given, the spinning thread does not keep it alive. */
static void test_exit_group(void) {
  pid_t pid = fork();
  if (pid == 0) {
    static char stack[kStack] __attribute__((aligned(16)));
    const unsigned long flags =
        CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM;
    if (clone(spinner, stack + kStack, (int)flags, NULL) <= 0) _exit(1);
    sched_yield();
    syscall(SYS_exit_group, 23);
  }
  int status = 0;
  CHECK(waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 23);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  test_raw_threads();
  test_pthreads();
  test_futex_wake_and_requeue();
  test_futex_errors();
  test_exit_group();
  return check_done("threads");
}
