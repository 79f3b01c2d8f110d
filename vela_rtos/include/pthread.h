/* POSIX threads for Vela applications (NuttX names and semantics). The
 * objects carry a magic number so a bad or destroyed handle yields EINVAL;
 * the __k storage holds the kernel's wait queue/mutex (opaque to C). */
#if defined(FUSION_KERNEL) && defined(__cplusplus) && !defined(__VELA_ABI)
/* Kernel C++ (libstdc++'s gthr via <atomic>) gets the host header; the Vela
 * implementation sees these types through vela_rtos/src/vela_abi.hpp. */
#include_next <pthread.h>
#else
#ifndef VELA_PTHREAD_H
#define VELA_PTHREAD_H

#ifndef __VELA_ABI
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef CLOCK_MONOTONIC /* picolibc's <time.h> needs _POSIX_MONOTONIC_CLOCK */
#define CLOCK_MONOTONIC ((clockid_t)4)
#endif

#define PTHREAD_ONCE_INIT 0
#define PTHREAD_KEYS_MAX 16
#define PTHREAD_DESTRUCTOR_ITERATIONS 4
#define PTHREAD_STACK_MIN 2048
#define PTHREAD_CANCELED ((void*)-1)
#define PTHREAD_BARRIER_SERIAL_THREAD 0x1000

#define PTHREAD_CREATE_JOINABLE 0
#define PTHREAD_CREATE_DETACHED 1
#define PTHREAD_INHERIT_SCHED 0
#define PTHREAD_EXPLICIT_SCHED 1
#define PTHREAD_SCOPE_SYSTEM 0
#define PTHREAD_SCOPE_PROCESS 1
#define PTHREAD_PROCESS_PRIVATE 0
#define PTHREAD_PROCESS_SHARED 1

#define PTHREAD_CANCEL_ENABLE 0
#define PTHREAD_CANCEL_DISABLE 1
#define PTHREAD_CANCEL_DEFERRED 0
#define PTHREAD_CANCEL_ASYNCHRONOUS 1

#define PTHREAD_MUTEX_NORMAL 0
#define PTHREAD_MUTEX_ERRORCHECK 1
#define PTHREAD_MUTEX_RECURSIVE 2
#define PTHREAD_MUTEX_DEFAULT PTHREAD_MUTEX_NORMAL
#define PTHREAD_PRIO_NONE 0
#define PTHREAD_PRIO_INHERIT 1
#define PTHREAD_PRIO_PROTECT 2
#define PTHREAD_MUTEX_STALLED 0
#define PTHREAD_MUTEX_ROBUST 1
#endif /* !__VELA_ABI */

typedef pid_t pthread_t; /* NuttX: a pthread is named by its thread id */
typedef int pthread_key_t;
typedef volatile int pthread_once_t;

typedef struct {
  uint32_t __magic;
  uint8_t detachstate, inheritsched, policy, scope;
  int priority;
  size_t stacksize;
} pthread_attr_t;

typedef struct {
  uint32_t __magic;
  uint8_t type, protocol, robust, pshared;
} pthread_mutexattr_t;

typedef struct pthread_mutex_s {
  uint32_t __magic;
  uint8_t __type, __protocol, __robust, __state;
  int32_t __count;                       /* recursion depth */
  pid_t __owner;                         /* tid of the holder, 0 when free */
  struct pthread_mutex_s* __next_robust; /* the owner's held robust mutexes */
  uint64_t __k[12];                      /* the kernel mutex */
} pthread_mutex_t;

typedef struct {
  uint32_t __magic;
  uint8_t pshared;
  int clock;
} pthread_condattr_t;

typedef struct {
  uint32_t __magic;
  int __clock;
  uint64_t __k[4]; /* wait queue */
  uint64_t __seq;  /* bumped by signal/broadcast */
  uint32_t __wake; /* pending signal tokens */
  uint32_t __waiters;
} pthread_cond_t;

typedef struct {
  uint32_t __magic;
  uint8_t pshared;
} pthread_rwlockattr_t;

typedef struct {
  uint32_t __magic;
  int __readers;  /* active readers */
  pid_t __writer; /* active writer tid */
  int __writers_waiting;
  uint64_t __k[4];
} pthread_rwlock_t;

typedef struct {
  uint32_t __magic;
  uint8_t pshared;
} pthread_barrierattr_t;

typedef struct {
  uint32_t __magic;
  unsigned __count, __arrived, __generation;
  uint64_t __k[4];
} pthread_barrier_t;

typedef struct {
  uint32_t __magic;
  volatile int __lock;
  pid_t __owner;
} pthread_spinlock_t;

#ifndef __VELA_ABI
#define __VELA_MUTEX_STATIC 0x4d585331u /* statically initialised, set up on first use */
#define __VELA_COND_STATIC 0x43565331u
#define __VELA_RWLOCK_STATIC 0x52575331u
#define PTHREAD_MUTEX_INITIALIZER                   \
  {                                                 \
    __VELA_MUTEX_STATIC, 0, 0, 0, 0, 0, 0, 0, { 0 } \
  }
#define PTHREAD_COND_INITIALIZER \
  { __VELA_COND_STATIC, 0, {0}, 0, 0, 0 }
#define PTHREAD_RWLOCK_INITIALIZER       \
  {                                      \
    __VELA_RWLOCK_STATIC, 0, 0, 0, { 0 } \
  }

struct _pthread_cleanup_buffer {
  void (*routine)(void*);
  void* arg;
  struct _pthread_cleanup_buffer* prev;
};
void _pthread_cleanup_push(struct _pthread_cleanup_buffer* buf, void (*routine)(void*), void* arg);
void _pthread_cleanup_pop(struct _pthread_cleanup_buffer* buf, int execute);
#define pthread_cleanup_push(routine, arg)    \
  {                                           \
    struct _pthread_cleanup_buffer __cleanup; \
    _pthread_cleanup_push(&__cleanup, (routine), (arg));
#define pthread_cleanup_pop(execute)           \
  _pthread_cleanup_pop(&__cleanup, (execute)); \
  }

/* attributes */
int pthread_attr_init(pthread_attr_t* attr);
int pthread_attr_destroy(pthread_attr_t* attr);
int pthread_attr_setdetachstate(pthread_attr_t* attr, int state);
int pthread_attr_getdetachstate(const pthread_attr_t* attr, int* state);
int pthread_attr_setstacksize(pthread_attr_t* attr, size_t size);
int pthread_attr_getstacksize(const pthread_attr_t* attr, size_t* size);
int pthread_attr_setschedparam(pthread_attr_t* attr, const struct sched_param* param);
int pthread_attr_getschedparam(const pthread_attr_t* attr, struct sched_param* param);
int pthread_attr_setschedpolicy(pthread_attr_t* attr, int policy);
int pthread_attr_getschedpolicy(const pthread_attr_t* attr, int* policy);
int pthread_attr_setinheritsched(pthread_attr_t* attr, int inherit);
int pthread_attr_getinheritsched(const pthread_attr_t* attr, int* inherit);

/* threads */
int pthread_create(pthread_t* thread, const pthread_attr_t* attr, void* (*start)(void*), void* arg);
int pthread_join(pthread_t thread, void** value);
int pthread_detach(pthread_t thread);
void pthread_exit(void* value) __attribute__((__noreturn__));
pthread_t pthread_self(void);
int pthread_equal(pthread_t a, pthread_t b);
int pthread_cancel(pthread_t thread);
int pthread_setcancelstate(int state, int* oldstate);
int pthread_setcanceltype(int type, int* oldtype);
void pthread_testcancel(void);
int pthread_once(pthread_once_t* once, void (*fn)(void));
int pthread_getschedparam(pthread_t thread, int* policy, struct sched_param* param);
int pthread_setschedparam(pthread_t thread, int policy, const struct sched_param* param);
int pthread_setschedprio(pthread_t thread, int prio);
int pthread_yield(void);
int pthread_setaffinity_np(pthread_t thread, size_t cpusetsize, const cpu_set_t* cpuset);
int pthread_getaffinity_np(pthread_t thread, size_t cpusetsize, cpu_set_t* cpuset);

/* keys */
int pthread_key_create(pthread_key_t* key, void (*destructor)(void*));
int pthread_key_delete(pthread_key_t key);
int pthread_setspecific(pthread_key_t key, const void* value);
void* pthread_getspecific(pthread_key_t key);

/* mutexes */
int pthread_mutexattr_init(pthread_mutexattr_t* attr);
int pthread_mutexattr_destroy(pthread_mutexattr_t* attr);
int pthread_mutexattr_settype(pthread_mutexattr_t* attr, int type);
int pthread_mutexattr_gettype(const pthread_mutexattr_t* attr, int* type);
int pthread_mutexattr_setprotocol(pthread_mutexattr_t* attr, int protocol);
int pthread_mutexattr_getprotocol(const pthread_mutexattr_t* attr, int* protocol);
int pthread_mutexattr_setrobust(pthread_mutexattr_t* attr, int robust);
int pthread_mutexattr_getrobust(const pthread_mutexattr_t* attr, int* robust);
int pthread_mutexattr_setpshared(pthread_mutexattr_t* attr, int pshared);
int pthread_mutexattr_getpshared(const pthread_mutexattr_t* attr, int* pshared);
int pthread_mutex_init(pthread_mutex_t* mutex, const pthread_mutexattr_t* attr);
int pthread_mutex_destroy(pthread_mutex_t* mutex);
int pthread_mutex_lock(pthread_mutex_t* mutex);
int pthread_mutex_trylock(pthread_mutex_t* mutex);
int pthread_mutex_timedlock(pthread_mutex_t* mutex, const struct timespec* abstime);
int pthread_mutex_unlock(pthread_mutex_t* mutex);
int pthread_mutex_consistent(pthread_mutex_t* mutex);

/* condition variables */
int pthread_condattr_init(pthread_condattr_t* attr);
int pthread_condattr_destroy(pthread_condattr_t* attr);
int pthread_condattr_setclock(pthread_condattr_t* attr, clockid_t clock);
int pthread_condattr_getclock(const pthread_condattr_t* attr, clockid_t* clock);
int pthread_cond_init(pthread_cond_t* cond, const pthread_condattr_t* attr);
int pthread_cond_destroy(pthread_cond_t* cond);
int pthread_cond_wait(pthread_cond_t* cond, pthread_mutex_t* mutex);
int pthread_cond_timedwait(pthread_cond_t* cond, pthread_mutex_t* mutex,
                           const struct timespec* abstime);
int pthread_cond_signal(pthread_cond_t* cond);
int pthread_cond_broadcast(pthread_cond_t* cond);

/* reader-writer locks */
int pthread_rwlockattr_init(pthread_rwlockattr_t* attr);
int pthread_rwlockattr_destroy(pthread_rwlockattr_t* attr);
int pthread_rwlock_init(pthread_rwlock_t* lock, const pthread_rwlockattr_t* attr);
int pthread_rwlock_destroy(pthread_rwlock_t* lock);
int pthread_rwlock_rdlock(pthread_rwlock_t* lock);
int pthread_rwlock_tryrdlock(pthread_rwlock_t* lock);
int pthread_rwlock_timedrdlock(pthread_rwlock_t* lock, const struct timespec* abstime);
int pthread_rwlock_wrlock(pthread_rwlock_t* lock);
int pthread_rwlock_trywrlock(pthread_rwlock_t* lock);
int pthread_rwlock_timedwrlock(pthread_rwlock_t* lock, const struct timespec* abstime);
int pthread_rwlock_unlock(pthread_rwlock_t* lock);

/* barriers */
int pthread_barrierattr_init(pthread_barrierattr_t* attr);
int pthread_barrierattr_destroy(pthread_barrierattr_t* attr);
int pthread_barrier_init(pthread_barrier_t* barrier, const pthread_barrierattr_t* attr,
                         unsigned count);
int pthread_barrier_destroy(pthread_barrier_t* barrier);
int pthread_barrier_wait(pthread_barrier_t* barrier);

/* spinlocks */
int pthread_spin_init(pthread_spinlock_t* lock, int pshared);
int pthread_spin_destroy(pthread_spinlock_t* lock);
int pthread_spin_lock(pthread_spinlock_t* lock);
int pthread_spin_trylock(pthread_spinlock_t* lock);
int pthread_spin_unlock(pthread_spinlock_t* lock);

#ifdef __cplusplus
}
#endif
#endif /* !__VELA_ABI */

#endif /* VELA_PTHREAD_H */
#endif
