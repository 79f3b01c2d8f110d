/* NuttX watchdog timers: one-shot callbacks after a delay in system ticks
 * (fusion/time.h), run in timer-interrupt context on the CPU that armed
 * them. A zeroed struct wdog_s is a valid idle watchdog. C and C++. */
#ifndef NUTTX_WDOG_H
#define NUTTX_WDOG_H

#ifndef __VELA_ABI
#include <fusion/time.h>
#include <stdint.h>
#endif

#if defined(__cplusplus) && !defined(__VELA_ABI)
extern "C" {
#endif

typedef uintptr_t wdparm_t;
typedef void (*wdentry_t)(wdparm_t arg);

struct wdog_s {
  wdentry_t func; /* non-NULL while armed (cleared before the handler runs) */
  wdparm_t arg;
  uint64_t __expiry_ns; /* deadline on the monotonic clock */
  uint32_t __cpu;       /* CPU whose timer queue holds it */
  uint32_t __busy;      /* handler in progress */
  uint64_t __k[8];      /* the kernel's sched::Timer */
};

#define WDOG_ISACTIVE(w) ((w)->func != NULL)

/* Arms (or re-arms) `wdog` to call wdentry(arg) after `delay` ticks (0: at
 * the next timer interrupt). 0, or -EINVAL for NULL/negative/no handler. */
int wd_start(struct wdog_s* wdog, sclock_t delay, wdentry_t wdentry, wdparm_t arg);
/* 0 when it was cancelled, -EINVAL if NULL or not armed. */
int wd_cancel(struct wdog_s* wdog);
/* Ticks left before it fires; 0 if not armed. */
sclock_t wd_gettime(struct wdog_s* wdog);

#if defined(__cplusplus) && !defined(__VELA_ABI)
}
#endif

#endif /* NUTTX_WDOG_H */
