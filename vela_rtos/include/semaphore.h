/* POSIX semaphores for Vela applications (unnamed and named). A sem_t holds
 * a magic number (bad or destroyed handles give EINVAL), the count and the
 * kernel wait queue (opaque to C). */
#if defined(FUSION_KERNEL) && defined(__cplusplus) && !defined(__VELA_ABI)
#include_next <semaphore.h> /* kernel C++: see pthread.h */
#else
#ifndef VELA_SEMAPHORE_H
#define VELA_SEMAPHORE_H

#ifndef __VELA_ABI
#include <fcntl.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif
#endif

typedef struct sem_s {
  uint32_t __magic;
  uint16_t __flags;
  uint16_t __named_refs;
  int32_t __count;
  uint32_t __waiters;
  uint64_t __k[4]; /* wait queue */
} sem_t;

#ifndef __VELA_ABI
#define SEM_FAILED ((sem_t*)0)
#define SEM_VALUE_MAX 0x7fff /* NuttX's limit */

int sem_init(sem_t* sem, int pshared, unsigned value);
int sem_destroy(sem_t* sem);
int sem_wait(sem_t* sem);
int sem_trywait(sem_t* sem);
int sem_timedwait(sem_t* sem, const struct timespec* abstime);
int sem_clockwait(sem_t* sem, clockid_t clock, const struct timespec* abstime);
int sem_post(sem_t* sem);
int sem_getvalue(sem_t* sem, int* value);
sem_t* sem_open(const char* name, int oflag, ...);
int sem_close(sem_t* sem);
int sem_unlink(const char* name);

#ifdef __cplusplus
}
#endif
#endif /* !__VELA_ABI */

#endif /* VELA_SEMAPHORE_H */
#endif
