/* POSIX signals for Vela applications. Replaces picolibc's <sys/signal.h>,
 * whose non-RTEMS struct sigaction has no sa_sigaction, whose siginfo_t and
 * sigevent lack POSIX members and whose sigset macros overflow an int: the
 * numbers 1..31 stay picolibc's (its compiled abort() raises SIGABRT 6),
 * realtime signals are 32..63, sigset_t bit n is signal n. */
#if defined(FUSION_KERNEL) && defined(__cplusplus) && !defined(__VELA_ABI)
#include_next <sys/signal.h> /* kernel C++: see pthread.h */
#else
#ifndef _SYS_SIGNAL_H
#define _SYS_SIGNAL_H

#ifndef __VELA_ABI
#include <stdint.h>
#include <sys/_sigset.h>
#include <sys/_timespec.h>
#include <sys/cdefs.h>
#include <sys/features.h>
#include <sys/types.h>

#if !defined(_SIGSET_T_DECLARED)
#define _SIGSET_T_DECLARED
typedef __sigset_t sigset_t;
#endif

#ifdef __cplusplus
extern "C" {
#endif
#endif /* !__VELA_ABI */

#define SIGEV_NONE 1   /* no notification */
#define SIGEV_SIGNAL 2 /* a queued signal with sigev_value */
#define SIGEV_THREAD 3 /* sigev_notify_function runs in a new thread */

union sigval {
  int sival_int;
  void* sival_ptr;
};

struct sigevent {
  int sigev_notify;
  int sigev_signo;
  union sigval sigev_value;
  void (*sigev_notify_function)(union sigval);
  void* sigev_notify_attributes; /* pthread_attr_t *, or NULL */
};

/* si_code values */
#define SI_USER 1      /* kill, raise, pthread_kill */
#define SI_QUEUE 2     /* sigqueue */
#define SI_TIMER 3     /* a POSIX timer expired */
#define SI_ASYNCIO 4   /* asynchronous I/O completed */
#define SI_MESGQ 5     /* a message arrived on an empty queue (mq_notify) */

typedef struct {
  int si_signo;
  int si_code;
  union sigval si_value;
  int si_errno;
  pid_t si_pid; /* sender */
  uid_t si_uid;
  void* si_addr;
  int si_status;
} siginfo_t;

#define SA_NOCLDSTOP 0x01
#define SA_SIGINFO 0x02   /* sa_sigaction(signo, info, context) */
#define SA_ONSTACK 0x04   /* accepted, handlers always run on the thread's stack */
#define SA_RESTART 0x08   /* accepted; interrupted calls fail with EINTR (NuttX) */
#define SA_NODEFER 0x10   /* the signal is not blocked while its handler runs */
#define SA_RESETHAND 0x20 /* back to SIG_DFL on entry to the handler */
#define SA_NOCLDWAIT 0x40

typedef void (*_sig_func_ptr)(int);

struct sigaction {
  union {
    _sig_func_ptr _handler;
    void (*_sigaction)(int, siginfo_t*, void*);
  } _u;
  sigset_t sa_mask;
  int sa_flags;
};
#define sa_handler _u._handler
#define sa_sigaction _u._sigaction

#define MINSIGSTKSZ 2048
#define SIGSTKSZ 8192
#define SS_ONSTACK 0x1
#define SS_DISABLE 0x2

typedef struct sigaltstack {
  void* ss_sp;
  int ss_flags;
  size_t ss_size;
} stack_t;

#define SIG_SETMASK 0
#define SIG_BLOCK 1
#define SIG_UNBLOCK 2

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGIOT 6
#define SIGABRT 6
#define SIGEMT 7
#define SIGFPE 8
#define SIGKILL 9 /* cannot be caught, ignored or blocked */
#define SIGBUS 10
#define SIGSEGV 11
#define SIGSYS 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGURG 16
#define SIGSTOP 17 /* cannot be caught, ignored or blocked */
#define SIGTSTP 18
#define SIGCONT 19
#define SIGCHLD 20
#define SIGCLD 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGIO 23
#define SIGPOLL SIGIO
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGLOST 29
#define SIGUSR1 30
#define SIGUSR2 31
#define SIGRTMIN 32
#define SIGRTMAX 63
#define NSIG 64 /* numbers 1..NSIG-1 */
#define _NSIG NSIG
#ifndef RTSIG_MAX
#define RTSIG_MAX (SIGRTMAX - SIGRTMIN + 1)
#endif
#define SIGQUEUE_MAX 32

#ifndef __VELA_ABI
int sigprocmask(int how, const sigset_t* set, sigset_t* oset);
int pthread_sigmask(int how, const sigset_t* set, sigset_t* oset);
int kill(pid_t pid, int signo);
int sigaction(int signo, const struct sigaction* act, struct sigaction* oact);
int sigaddset(sigset_t* set, int signo);
int sigdelset(sigset_t* set, int signo);
int sigismember(const sigset_t* set, int signo);
int sigfillset(sigset_t* set);
int sigemptyset(sigset_t* set);
int sigpending(sigset_t* set);
int sigsuspend(const sigset_t* mask);
int sigwait(const sigset_t* set, int* signo);
int sigwaitinfo(const sigset_t* set, siginfo_t* info);
int sigtimedwait(const sigset_t* set, siginfo_t* info, const struct timespec* timeout);
int sigqueue(pid_t pid, int signo, const union sigval value);
int sigaltstack(const stack_t* __restrict ss, stack_t* __restrict oss);
/* pthread_t is a pid_t (pthread.h) */
int pthread_kill(pid_t thread, int signo);

#ifdef __cplusplus
}
#endif

#ifndef _SIGNAL_H_
/* <sys/signal.h> and <signal.h> are interchangeable (picolibc does the same). */
#include <signal.h>
#endif
#endif /* !__VELA_ABI */

#endif /* _SYS_SIGNAL_H */
#endif
