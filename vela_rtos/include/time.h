/* <time.h> for Vela applications: picolibc's, plus the POSIX clock, timer
 * and sleep declarations it only makes for RTEMS/Cygwin (_POSIX_TIMERS),
 * implemented by vela_rtos/src/clock.cpp and timer.cpp. */
#include_next <time.h>

#if !(defined(FUSION_KERNEL) && defined(__cplusplus)) && !defined(__VELA_ABI)
#ifndef VELA_TIME_H
#define VELA_TIME_H

#if !defined(_POSIX_TIMERS)
#include <signal.h>

#ifndef CLOCK_MONOTONIC
#define CLOCK_MONOTONIC ((clockid_t)4)
#endif
#ifndef CLOCK_BOOTTIME
#define CLOCK_BOOTTIME ((clockid_t)7)
#endif

#ifdef __cplusplus
extern "C" {
#endif

int clock_settime(clockid_t clock_id, const struct timespec* tp);
int clock_gettime(clockid_t clock_id, struct timespec* tp);
int clock_getres(clockid_t clock_id, struct timespec* res);
int timer_create(clockid_t clock_id, struct sigevent* __restrict evp, timer_t* __restrict timerid);
int timer_delete(timer_t timerid);
int timer_settime(timer_t timerid, int flags, const struct itimerspec* __restrict value,
                  struct itimerspec* __restrict ovalue);
int timer_gettime(timer_t timerid, struct itimerspec* value);
int timer_getoverrun(timer_t timerid);
int nanosleep(const struct timespec* rqtp, struct timespec* rmtp);
int clock_nanosleep(clockid_t clock_id, int flags, const struct timespec* rqtp,
                    struct timespec* rmtp);

#ifdef __cplusplus
}
#endif
#endif /* !_POSIX_TIMERS */

#endif /* VELA_TIME_H */
#endif
