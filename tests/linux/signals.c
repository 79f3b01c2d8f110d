/* Signals: handlers run from real frames (kill, raise, tgkill), siginfo
 * contents, the ucontext's saved mask, blocking and pending, sigsuspend,
 * sigtimedwait, the alternate stack, a SIGSEGV handler that siglongjmps out
 * of a NULL write, nested handlers, SA_RESETHAND and SA_NODEFER, and the
 * error paths (EFAULT, EINVAL, EPERM, ENOMEM).
 *
 * Modes for the console tests: `sigint` waits in nanosleep for a SIGINT
 * (the console's ^C) and reports how the sleep ended; `read-restart` and
 * `read-eintr` read the console across a ^C; `badstack` and `forge` must
 * die of SIGSEGV (a frame that cannot be written, a forged sigreturn). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "check.h"

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1u << 31) /* include/uapi/linux/signal.h; glibc does not export it */
#endif

static volatile sig_atomic_t hits, hits2, depth, max_depth, nested_seen;
static siginfo_t last_info;
static sigset_t last_uc_mask;
static uintptr_t handler_sp;
static sigjmp_buf segv_env;

static long raw(long nr, long a, long b, long c, long d) { return syscall(nr, a, b, c, d); }

static void on_info(int sig, siginfo_t* si, void* ucv) {
  ucontext_t* uc = ucv;
  char here;
  ++hits;
  last_info = *si;
  last_uc_mask = uc->uc_sigmask;
  handler_sp = (uintptr_t)&here;
  (void)sig;
}

static void on_plain(int sig) {
  (void)sig;
  ++hits2;
}

static void install(int sig, void (*fn)(int, siginfo_t*, void*), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = fn;
  sa.sa_flags = SA_SIGINFO | flags;
  sigemptyset(&sa.sa_mask);
  CHECK(sigaction(sig, &sa, NULL) == 0);
}

static void install_plain(int sig, void (*fn)(int), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = fn;
  sa.sa_flags = flags;
  sigemptyset(&sa.sa_mask);
  CHECK(sigaction(sig, &sa, NULL) == 0);
}

static void test_kill_raise_tgkill(void) {
  install(SIGUSR1, on_info, 0);
  hits = 0;
  CHECK(kill(getpid(), SIGUSR1) == 0);
  CHECK(hits == 1);
  CHECK(last_info.si_signo == SIGUSR1);
  CHECK(last_info.si_code == SI_USER);
  CHECK(last_info.si_pid == getpid());
  CHECK(last_info.si_uid == getuid());
  CHECK(handler_sp != 0);

  hits = 0;
  CHECK(raise(SIGUSR1) == 0); /* glibc: tgkill */
  CHECK(hits == 1);
  CHECK(last_info.si_code == SI_TKILL);
  CHECK(last_info.si_pid == getpid());

  hits = 0;
  CHECK(raw(SYS_tgkill, getpid(), gettid(), SIGUSR1, 0) == 0);
  CHECK(hits == 1);
  CHECK(last_info.si_code == SI_TKILL);
  hits = 0;
  CHECK(raw(SYS_tkill, gettid(), SIGUSR1, 0, 0) == 0);
  CHECK(hits == 1);

  /* A handler without SA_SIGINFO. */
  install_plain(SIGUSR2, on_plain, 0);
  hits2 = 0;
  CHECK(kill(getpid(), SIGUSR2) == 0);
  CHECK(hits2 == 1);

  /* The frame's saved mask is the one from before the handler: SIGUSR2
   * blocked by us, SIGUSR1 (blocked while its handler runs) not. */
  sigset_t s, old;
  sigemptyset(&s);
  sigaddset(&s, SIGUSR2);
  CHECK(sigprocmask(SIG_BLOCK, &s, &old) == 0);
  hits = 0;
  CHECK(raise(SIGUSR1) == 0);
  CHECK(hits == 1);
  CHECK(sigismember(&last_uc_mask, SIGUSR2) == 1);
  CHECK(sigismember(&last_uc_mask, SIGUSR1) == 0);
  /* ... and comes back after the handler. */
  sigset_t now;
  CHECK(sigprocmask(SIG_SETMASK, NULL, &now) == 0);
  CHECK(sigismember(&now, SIGUSR1) == 0 && sigismember(&now, SIGUSR2) == 1);
  CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
}

static void test_mask_and_pending(void) {
  sigset_t s, old, pend;
  install(SIGUSR1, on_info, 0);
  sigemptyset(&s);
  sigaddset(&s, SIGUSR1);
  CHECK(sigprocmask(SIG_BLOCK, &s, &old) == 0);
  hits = 0;
  CHECK(kill(getpid(), SIGUSR1) == 0);
  CHECK(hits == 0);
  CHECK(sigpending(&pend) == 0);
  CHECK(sigismember(&pend, SIGUSR1) == 1);
  CHECK(sigismember(&pend, SIGUSR2) == 0);
  /* Standard signals do not queue: two sends, one delivery. */
  CHECK(kill(getpid(), SIGUSR1) == 0);
  CHECK(sigprocmask(SIG_UNBLOCK, &s, NULL) == 0);
  CHECK(hits == 1);
  CHECK(sigpending(&pend) == 0);
  CHECK(sigismember(&pend, SIGUSR1) == 0);

  /* SIGKILL and SIGSTOP cannot be blocked. */
  sigset_t all, got;
  sigfillset(&all);
  CHECK(raw(SYS_rt_sigprocmask, SIG_SETMASK, (long)&all, 0, 8) == 0);
  CHECK(raw(SYS_rt_sigprocmask, SIG_SETMASK, 0, (long)&got, 8) == 0);
  CHECK(sigismember(&got, SIGKILL) == 0);
  CHECK(sigismember(&got, SIGSTOP) == 0);
  CHECK(sigismember(&got, SIGUSR1) == 1);
  CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);

  /* Ignored signals are discarded, even when sent while blocked and then
   * set to SIG_IGN. */
  signal(SIGUSR2, SIG_IGN);
  CHECK(kill(getpid(), SIGUSR2) == 0);
  sigemptyset(&s);
  sigaddset(&s, SIGUSR2);
  install_plain(SIGUSR2, on_plain, 0);
  CHECK(sigprocmask(SIG_BLOCK, &s, NULL) == 0);
  CHECK(kill(getpid(), SIGUSR2) == 0);
  signal(SIGUSR2, SIG_IGN);
  CHECK(sigpending(&pend) == 0);
  CHECK(sigismember(&pend, SIGUSR2) == 0);
  CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
}

static void test_sigsuspend_and_sigtimedwait(void) {
  sigset_t s, old, empty, now;
  install(SIGUSR1, on_info, 0);
  sigemptyset(&s);
  sigaddset(&s, SIGUSR1);
  CHECK(sigprocmask(SIG_BLOCK, &s, &old) == 0);
  hits = 0;
  CHECK(kill(getpid(), SIGUSR1) == 0);
  CHECK(hits == 0);
  sigemptyset(&empty);
  CHECK_ERR(sigsuspend(&empty), EINTR);
  CHECK(hits == 1);
  /* The mask from before sigsuspend is back. */
  CHECK(sigprocmask(SIG_SETMASK, NULL, &now) == 0);
  CHECK(sigismember(&now, SIGUSR1) == 1);

  /* sigtimedwait takes a blocked pending signal without running a handler. */
  struct timespec second = {1, 0}, zero = {0, 0};
  siginfo_t si;
  hits = 0;
  CHECK(kill(getpid(), SIGUSR1) == 0);
  memset(&si, 0, sizeof si);
  CHECK(sigtimedwait(&s, &si, &second) == SIGUSR1);
  CHECK(si.si_signo == SIGUSR1 && si.si_code == SI_USER && si.si_pid == getpid());
  CHECK(hits == 0);
  CHECK_ERR(sigtimedwait(&s, &si, &zero), EAGAIN);
  struct timespec bad = {0, 1000000000};
  CHECK_ERR(sigtimedwait(&s, &si, &bad), EINVAL);
  CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
}

static char* alt_base;
static size_t alt_size;
static int alt_query_flags, alt_set_errno;

static void on_alt(int sig) {
  char here;
  stack_t q, n;
  (void)sig;
  handler_sp = (uintptr_t)&here;
  ++hits2;
  alt_query_flags = sigaltstack(NULL, &q) == 0 ? q.ss_flags : -1;
  n.ss_sp = alt_base;
  n.ss_size = alt_size;
  n.ss_flags = 0;
  errno = 0;
  alt_set_errno = sigaltstack(&n, NULL) == -1 ? errno : 0;
}

static void test_sigaltstack(void) {
  alt_size = 64 * 1024;
  alt_base = malloc(alt_size);
  stack_t ss, old;
  ss.ss_sp = alt_base;
  ss.ss_size = alt_size;
  ss.ss_flags = 0;
  CHECK(sigaltstack(&ss, &old) == 0);
  CHECK(old.ss_flags == SS_DISABLE);
  CHECK(sigaltstack(NULL, &old) == 0);
  CHECK(old.ss_sp == alt_base && old.ss_size == alt_size && old.ss_flags == 0);
  install_plain(SIGUSR2, on_alt, SA_ONSTACK);
  hits2 = 0;
  CHECK(raise(SIGUSR2) == 0);
  CHECK(hits2 == 1);
  CHECK(handler_sp > (uintptr_t)alt_base && handler_sp < (uintptr_t)alt_base + alt_size);
  CHECK(alt_query_flags == SS_ONSTACK);
  CHECK(alt_set_errno == EPERM);
  /* Without SA_ONSTACK the handler stays on the normal stack. */
  install_plain(SIGUSR2, on_alt, 0);
  CHECK(raise(SIGUSR2) == 0);
  CHECK(!(handler_sp > (uintptr_t)alt_base && handler_sp < (uintptr_t)alt_base + alt_size));
  CHECK(alt_query_flags == 0);

  /* SS_AUTODISARM (Linux 4.7): the handler runs on the stack with it
   * disabled (so it may set another one), and its sigreturn sets it up
   * again. qemu-user 7.2 refuses the flag (EINVAL): reported as skipped. */
  ss.ss_flags = SS_AUTODISARM;
  if (sigaltstack(&ss, NULL) == 0) {
    install_plain(SIGUSR2, on_alt, SA_ONSTACK);
    hits2 = 0;
    CHECK(raise(SIGUSR2) == 0);
    CHECK(hits2 == 1);
    CHECK(handler_sp > (uintptr_t)alt_base && handler_sp < (uintptr_t)alt_base + alt_size);
    CHECK(alt_query_flags == SS_DISABLE);
    CHECK(alt_set_errno == 0);
    CHECK(sigaltstack(NULL, &old) == 0);
    CHECK(old.ss_sp == alt_base && old.ss_size == alt_size && old.ss_flags == (int)SS_AUTODISARM);
  } else {
    printf("signals: SS_AUTODISARM refused (%s): skipped\n", strerror(errno));
  }
  ss.ss_flags = 0;
  CHECK(sigaltstack(&ss, NULL) == 0);

  ss.ss_size = 1024; /* below MINSIGSTKSZ */
  CHECK_ERR(sigaltstack(&ss, NULL), ENOMEM);
  ss.ss_size = alt_size;
  ss.ss_flags = 0x40;
  CHECK_ERR(sigaltstack(&ss, NULL), EINVAL);
  CHECK_ERR(raw(SYS_sigaltstack, 1, 0, 0, 0), EFAULT);
  CHECK_ERR(raw(SYS_sigaltstack, (long)KERNEL_ADDRESS, 0, 0, 0), EFAULT);
  CHECK_ERR(raw(SYS_sigaltstack, 0, 1, 0, 0), EFAULT);
  ss.ss_flags = SS_DISABLE;
  CHECK(sigaltstack(&ss, NULL) == 0);
  CHECK(sigaltstack(NULL, &old) == 0);
  CHECK(old.ss_flags == SS_DISABLE);
}

static void on_segv(int sig, siginfo_t* si, void* uc) {
  (void)uc;
  ++hits;
  last_info = *si;
  (void)sig;
  siglongjmp(segv_env, 1);
}

static void test_segv_handler(void) {
  install(SIGSEGV, on_segv, 0);
  hits = 0;
  if (sigsetjmp(segv_env, 1) == 0) {
    *(volatile int*)0 = 1;
    CHECK(0); /* not reached */
  }
  CHECK(hits == 1);
  CHECK(last_info.si_signo == SIGSEGV);
  CHECK(last_info.si_code == SEGV_MAPERR);
  CHECK(last_info.si_addr == NULL);
  /* siglongjmp restored the mask: SIGSEGV is not blocked any more. */
  sigset_t now;
  CHECK(sigprocmask(SIG_SETMASK, NULL, &now) == 0);
  CHECK(sigismember(&now, SIGSEGV) == 0);
  /* A kernel address faults the same way. */
  hits = 0;
  if (sigsetjmp(segv_env, 1) == 0) {
    (void)*(volatile int*)KERNEL_ADDRESS;
    CHECK(0);
  }
  CHECK(hits == 1);
  CHECK(last_info.si_addr == KERNEL_ADDRESS);
  signal(SIGSEGV, SIG_DFL);

  /* An illegal instruction goes to a SIGILL handler, si_addr = its pc. */
  install(SIGILL, on_segv, 0);
  hits = 0;
  if (sigsetjmp(segv_env, 1) == 0) {
    __asm__ volatile(".globl signals_bad_insn\nsignals_bad_insn: .word 0" ::: "memory");
    CHECK(0);
  }
  extern char signals_bad_insn[];
  CHECK(hits == 1);
  CHECK(last_info.si_signo == SIGILL);
  /* Linux (arm64 do_el0_undef, riscv do_trap_insn_illegal) reports
   * ILL_ILLOPC; qemu-aarch64 reports ILL_ILLOPN for the same udf. */
  CHECK(last_info.si_code == ILL_ILLOPC || last_info.si_code == ILL_ILLOPN);
  CHECK(last_info.si_addr == (void*)signals_bad_insn);
  signal(SIGILL, SIG_DFL);
}

static void on_outer(int sig) {
  (void)sig;
  ++depth;
  if (depth > max_depth) max_depth = depth;
  raise(SIGUSR2); /* not blocked: its handler runs inside this one */
  --depth;
}

static void on_inner(int sig) {
  (void)sig;
  if (depth == 1) nested_seen = 1;
  ++hits2;
}

static void on_nodefer(int sig) {
  ++depth;
  if (depth > max_depth) max_depth = depth;
  if (depth == 1) raise(sig); /* SA_NODEFER: re-enters at once */
  --depth;
}

static void test_nested_and_flags(void) {
  install_plain(SIGUSR1, on_outer, 0);
  install_plain(SIGUSR2, on_inner, 0);
  depth = max_depth = nested_seen = hits2 = 0;
  CHECK(raise(SIGUSR1) == 0);
  CHECK(nested_seen == 1 && hits2 == 1 && depth == 0);

  depth = max_depth = 0;
  install_plain(SIGUSR1, on_nodefer, SA_NODEFER);
  CHECK(raise(SIGUSR1) == 0);
  CHECK(max_depth == 2 && depth == 0);

  /* SA_RESETHAND: one delivery, then back to SIG_DFL. */
  install_plain(SIGUSR2, on_plain, SA_RESETHAND);
  hits2 = 0;
  CHECK(raise(SIGUSR2) == 0);
  CHECK(hits2 == 1);
  struct sigaction q;
  CHECK(sigaction(SIGUSR2, NULL, &q) == 0);
  CHECK(q.sa_handler == SIG_DFL);

  /* sigaction reports back what was set, flags included. */
  install_plain(SIGUSR2, on_plain, SA_RESTART);
  CHECK(sigaction(SIGUSR2, NULL, &q) == 0);
  CHECK(q.sa_handler == on_plain && (q.sa_flags & SA_RESTART));
}

/* A handler that clobbers caller-saved integer and FP registers: the
 * interrupted code must get them back from the frame (rt_sigreturn). */
static void on_clobber(int sig) {
  (void)sig;
  ++hits2;
#if defined(__aarch64__)
  __asm__ volatile("mov x9, xzr\n fmov d16, xzr\n fmov d31, xzr" ::: "x9", "v16", "v31");
#elif defined(__riscv)
  __asm__ volatile("li t3, 0\n fmv.d.x ft0, zero\n fmv.d.x ft11, zero" ::: "t3", "ft0", "ft11");
#endif
}

static void test_registers_survive_handler(void) {
  install_plain(SIGUSR2, on_clobber, 0);
  hits2 = 0;
  unsigned long in = 0x1234567890abcdeful, gp = 0, fp1 = 0, fp2 = 0;
  const long pid = getpid(); /* before the register variables: calls clobber them */
#if defined(__aarch64__)
  register long x8 __asm__("x8") = SYS_kill;
  register long x0 __asm__("x0") = pid;
  register long x1 __asm__("x1") = SIGUSR2;
  __asm__ volatile(
      "mov x9, %[in]\n fmov d16, %[in]\n fmov d31, %[in]\n svc #0\n"
      "mov %[gp], x9\n fmov %[fp1], d16\n fmov %[fp2], d31"
      : [gp] "=&r"(gp), [fp1] "=&r"(fp1), [fp2] "=&r"(fp2), "+r"(x0)
      : [in] "r"(in), "r"(x8), "r"(x1)
      : "x9", "v16", "v31", "memory");
  CHECK(x0 == 0);
#elif defined(__riscv)
  register long a7 __asm__("a7") = SYS_kill;
  register long a0 __asm__("a0") = pid;
  register long a1 __asm__("a1") = SIGUSR2;
  __asm__ volatile(
      "mv t3, %[in]\n fmv.d.x ft0, %[in]\n fmv.d.x ft11, %[in]\n ecall\n"
      "mv %[gp], t3\n fmv.x.d %[fp1], ft0\n fmv.x.d %[fp2], ft11"
      : [gp] "=&r"(gp), [fp1] "=&r"(fp1), [fp2] "=&r"(fp2), "+r"(a0)
      : [in] "r"(in), "r"(a7), "r"(a1)
      : "t3", "ft0", "ft11", "memory");
  CHECK(a0 == 0);
#endif
  CHECK(hits2 == 1);
  CHECK(gp == in);
  CHECK(fp1 == in);
  CHECK(fp2 == in);
}

static void test_errors(void) {
  struct {
    void* handler;
    unsigned long flags;
    void* restorer;
    unsigned long mask;
  } ka = {SIG_DFL, 0, 0, 0};
  /* rt_sigaction */
  CHECK_ERR(raw(SYS_rt_sigaction, SIGUSR1, 1, 0, 8), EFAULT);
  CHECK_ERR(raw(SYS_rt_sigaction, SIGUSR1, (long)KERNEL_ADDRESS, 0, 8), EFAULT);
  CHECK_ERR(raw(SYS_rt_sigaction, SIGUSR1, 0, 1, 8), EFAULT);
  CHECK_ERR(raw(SYS_rt_sigaction, SIGUSR1, 0, (long)KERNEL_ADDRESS, 8), EFAULT);
  CHECK_ERR(raw(SYS_rt_sigaction, 0, (long)&ka, 0, 8), EINVAL);
  CHECK_ERR(raw(SYS_rt_sigaction, 65, (long)&ka, 0, 8), EINVAL);
  CHECK_ERR(raw(SYS_rt_sigaction, SIGKILL, (long)&ka, 0, 8), EINVAL);
  CHECK_ERR(raw(SYS_rt_sigaction, SIGSTOP, (long)&ka, 0, 8), EINVAL);
  CHECK_ERR(raw(SYS_rt_sigaction, SIGUSR1, (long)&ka, 0, 4), EINVAL);
  CHECK(raw(SYS_rt_sigaction, SIGKILL, 0, (long)&ka, 8) == 0); /* query is fine */
  /* rt_sigprocmask */
  sigset_t s;
  sigemptyset(&s);
  CHECK_ERR(raw(SYS_rt_sigprocmask, SIG_BLOCK, 1, 0, 8), EFAULT);
  CHECK_ERR(raw(SYS_rt_sigprocmask, SIG_BLOCK, (long)KERNEL_ADDRESS, 0, 8), EFAULT);
  CHECK_ERR(raw(SYS_rt_sigprocmask, SIG_BLOCK, 0, 1, 8), EFAULT);
  CHECK_ERR(raw(SYS_rt_sigprocmask, 99, (long)&s, 0, 8), EINVAL);
  CHECK_ERR(raw(SYS_rt_sigprocmask, SIG_BLOCK, (long)&s, 0, 4), EINVAL);
  CHECK(raw(SYS_rt_sigprocmask, 99, 0, 0, 8) == 0); /* how unused without a set */
  /* rt_sigpending, rt_sigsuspend, rt_sigtimedwait */
  CHECK_ERR(raw(SYS_rt_sigpending, (long)&s, 16, 0, 0), EINVAL);
  CHECK_ERR(raw(SYS_rt_sigpending, 1, 8, 0, 0), EFAULT);
  CHECK_ERR(raw(SYS_rt_sigsuspend, (long)&s, 4, 0, 0), EINVAL);
  CHECK_ERR(raw(SYS_rt_sigsuspend, 1, 8, 0, 0), EFAULT);
  CHECK_ERR(raw(SYS_rt_sigtimedwait, 1, 0, 0, 8), EFAULT);
  CHECK_ERR(raw(SYS_rt_sigtimedwait, (long)&s, 0, 0, 4), EINVAL);
  /* kill, tgkill, tkill */
  CHECK(kill(getpid(), 0) == 0);
  CHECK_ERR(kill(getpid(), 65), EINVAL);
  CHECK_ERR(kill(getpid(), -1), EINVAL);
  CHECK_ERR(raw(SYS_tgkill, 0, gettid(), SIGUSR1, 0), EINVAL);
  CHECK_ERR(raw(SYS_tgkill, getpid(), 0, SIGUSR1, 0), EINVAL);
  CHECK_ERR(raw(SYS_tgkill, getpid(), gettid(), 65, 0), EINVAL);
  CHECK_ERR(raw(SYS_tkill, -5, SIGUSR1, 0, 0), EINVAL);
  CHECK(raw(SYS_tgkill, getpid(), gettid(), 0, 0) == 0);
}

static void on_int(int sig) {
  (void)sig;
  ++hits;
}

static void test_groups_and_realtime(void) {
  /* In a group of our own, kill(0) and kill(-pgid) reach only us. */
  if (setpgid(0, 0) == 0) {
    install(SIGUSR1, on_info, 0);
    hits = 0;
    CHECK(kill(0, SIGUSR1) == 0);
    CHECK(hits == 1 && last_info.si_code == SI_USER);
    hits = 0;
    CHECK(kill(-getpgid(0), SIGUSR1) == 0);
    CHECK(hits == 1);
  } else {
    printf("signals: setpgid: %s; group kills not checked\n", strerror(errno));
  }
  /* Realtime signals queue every instance; standard ones coalesce. */
  sigset_t s, old;
  install(SIGRTMIN, on_info, 0);
  sigemptyset(&s);
  sigaddset(&s, SIGRTMIN);
  CHECK(sigprocmask(SIG_BLOCK, &s, &old) == 0);
  for (int i = 0; i < 3; ++i) CHECK(kill(getpid(), SIGRTMIN) == 0);
  hits = 0;
  CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
  CHECK(hits == 3);
  CHECK(last_info.si_signo == SIGRTMIN);
  signal(SIGRTMIN, SIG_DFL);
}

/* A handler whose alternate stack is not mapped: the frame cannot be
 * written, so the process dies of SIGSEGV (exit status 139 in a shell). */
static int bad_altstack(void) {
  stack_t ss;
  ss.ss_sp = (void*)0x10000000; /* nothing mapped there in a static program */
  ss.ss_size = 64 * 1024;
  ss.ss_flags = 0;
  if (sigaltstack(&ss, NULL) != 0) return 2;
  install_plain(SIGUSR1, on_plain, SA_ONSTACK);
  raise(SIGUSR1);
  printf("signals: survived a frame on an unmapped stack\n");
  return 1;
}

/* A handler that forges its return state: aarch64 asks for EL1h with
 * interrupts masked (rt_sigreturn refuses: SIGSEGV), riscv64 (whose frame
 * holds no privilege state) returns to a kernel address (SIGSEGV). */
static void on_forge(int sig, siginfo_t* si, void* ucv) {
  ucontext_t* uc = ucv;
  (void)sig;
  (void)si;
#if defined(__aarch64__)
  uc->uc_mcontext.pstate = 0x3c5;
#elif defined(__riscv)
  uc->uc_mcontext.__gregs[REG_PC] = (unsigned long)KERNEL_ADDRESS;
#endif
}

static int forged_return(void) {
  install(SIGUSR1, on_forge, 0);
  raise(SIGUSR1);
  printf("signals: survived a forged sigreturn\n");
  return 1;
}

/* A read on the console interrupted by ^C: with SA_RESTART the handler runs
 * and the read goes on (the next line ends it), without it EINTR. */
static int read_tty(int restart) {
  install_plain(SIGINT, on_int, restart ? SA_RESTART : 0);
  char buf[64];
  hits = 0;
  printf("signals: reading (%s)\n", restart ? "SA_RESTART" : "no SA_RESTART");
  fflush(stdout);
  ssize_t n = read(0, buf, sizeof buf);
  if (n < 0) {
    printf("signals: read -1 errno %d handled %d\n", errno, (int)hits);
    return restart || errno != EINTR || hits < 1;
  }
  printf("signals: read %d bytes handled %d\n", (int)n, (int)hits);
  return !restart || hits < 1;
}

static int wait_for_sigint(void) {
  install_plain(SIGINT, on_int, 0);
  printf("signals: waiting for SIGINT\n");
  fflush(stdout);
  /* A ^C that lands before the sleep starts is handled but cannot end it:
   * say so and sleep again (the console test presses ^C once more). */
  for (int round = 0; round < 5; ++round) {
    int before = hits;
    struct timespec t = {30, 0}, rem = {0, 0};
    int r = nanosleep(&t, &rem);
    if (r == -1 && errno == EINTR) {
      printf("signals: nanosleep interrupted, handled %d, rem %s\n", (int)hits - before,
             rem.tv_sec < 30 && (rem.tv_sec || rem.tv_nsec) ? "ok" : "bad");
      return hits - before == 1 ? 0 : 1;
    }
    printf("signals: sleep ended (%d, handled %d), again\n", r, (int)hits - before);
    fflush(stdout);
  }
  return 1;
}

int main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "sigint") == 0) return wait_for_sigint();
  if (argc > 1 && strcmp(argv[1], "badstack") == 0) return bad_altstack();
  if (argc > 1 && strcmp(argv[1], "forge") == 0) return forged_return();
  if (argc > 1 && strcmp(argv[1], "read-restart") == 0) return read_tty(1);
  if (argc > 1 && strcmp(argv[1], "read-eintr") == 0) return read_tty(0);
  test_kill_raise_tgkill();
  test_mask_and_pending();
  test_sigsuspend_and_sigtimedwait();
  test_sigaltstack();
  test_segv_handler();
  test_nested_and_flags();
  test_registers_survive_handler();
  test_errors();
  test_groups_and_realtime();
  return check_done("signals");
}
