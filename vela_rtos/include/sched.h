/* <sched.h> for Vela applications: picolibc's header, plus the scheduling
 * and NuttX task functions it leaves out (picolibc only declares them for
 * RTEMS/Cygwin). */
#if defined(FUSION_KERNEL) && defined(__cplusplus)
#include_next <sched.h> /* kernel C++: see pthread.h */
#else
#ifndef VELA_SCHED_H
#define VELA_SCHED_H

#include_next <sched.h>

#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef SCHED_OTHER
#define SCHED_OTHER 0
#define SCHED_FIFO 1
#define SCHED_RR 2
#endif

/* CPU sets (glibc/NuttX macros). picolibc declares no cpu_set_t on this
 * target (no sys/cpuset.h); one word covers the CPUs the scheduler knows. */
#ifndef CPU_SETSIZE
#define CPU_SETSIZE 64
typedef struct {
  unsigned long __bits[CPU_SETSIZE / (8 * sizeof(unsigned long))];
} cpu_set_t;
#define __CPU_WORD(c) ((unsigned)(c) / (8 * sizeof(unsigned long)))
#define __CPU_MASK(c) (1ul << ((unsigned)(c) % (8 * sizeof(unsigned long))))
#define CPU_ZERO(s) __builtin_memset((s), 0, sizeof(cpu_set_t))
#define CPU_SET(c, s) \
  ((unsigned)(c) < CPU_SETSIZE ? (void)((s)->__bits[__CPU_WORD(c)] |= __CPU_MASK(c)) : (void)0)
#define CPU_CLR(c, s) \
  ((unsigned)(c) < CPU_SETSIZE ? (void)((s)->__bits[__CPU_WORD(c)] &= ~__CPU_MASK(c)) : (void)0)
#define CPU_ISSET(c, s) \
  ((unsigned)(c) < CPU_SETSIZE ? (((s)->__bits[__CPU_WORD(c)] & __CPU_MASK(c)) != 0) : 0)
/* 64 bits: one word, or two on 32-bit targets. Applications only: kernel
 * code must not popcount. */
#define CPU_COUNT(s)                                                                          \
  (__builtin_popcountl((s)->__bits[0]) +                                                      \
   (sizeof(unsigned long) == 4 ? __builtin_popcountl((s)->__bits[sizeof(unsigned long) == 4]) \
                               : 0))
#define CPU_EQUAL(a, b) (__builtin_memcmp((a), (b), sizeof(cpu_set_t)) == 0)
#endif

int sched_setaffinity(pid_t pid, size_t cpusetsize, const cpu_set_t* mask);
int sched_getaffinity(pid_t pid, size_t cpusetsize, cpu_set_t* mask);

/* NuttX: the entry point of a task */
typedef int (*main_t)(int argc, char* argv[]);

int sched_setparam(pid_t pid, const struct sched_param* param);
int sched_getparam(pid_t pid, struct sched_param* param);
int sched_setscheduler(pid_t pid, int policy, const struct sched_param* param);
int sched_getscheduler(pid_t pid);
int sched_get_priority_max(int policy);
int sched_get_priority_min(int policy);
int sched_rr_get_interval(pid_t pid, struct timespec* interval);
int sched_yield(void);
int sched_lock(void);
int sched_unlock(void);
int sched_lockcount(void);
int sched_getcpu(void);

/* NuttX task control */
int task_create(const char* name, int priority, int stack_size, main_t entry, char* const argv[]);
int task_delete(pid_t pid);
int task_restart(pid_t pid);

#ifdef __cplusplus
}
#endif

#endif /* VELA_SCHED_H */
#endif
