/* Vela's system tick (NuttX clock_systime_ticks and the tick conversion
 * macros): the kernel is tickless, these are 100 Hz-equivalent units used
 * by the wdog and work-queue delays. C and C++. */
#ifndef FUSION_TIME_H
#define FUSION_TIME_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define USEC_PER_TICK 10000
#define TICK_PER_SEC (1000000 / USEC_PER_TICK)
#define MSEC_PER_TICK (USEC_PER_TICK / 1000)
#define NSEC_PER_TICK (USEC_PER_TICK * 1000)
#define USEC_PER_SEC 1000000
#define NSEC_PER_SEC 1000000000
#define NSEC_PER_USEC 1000
#define MSEC_PER_SEC 1000
/* Delays round up: a timer never fires early. */
#define USEC2TICK(us) (((us) + USEC_PER_TICK - 1) / USEC_PER_TICK)
#define MSEC2TICK(ms) USEC2TICK((ms)*1000)
#define SEC2TICK(s) ((s)*TICK_PER_SEC)
#define TICK2USEC(t) ((t)*USEC_PER_TICK)
#define TICK2MSEC(t) ((t)*MSEC_PER_TICK)

typedef int64_t sclock_t;

/* Ticks since boot. */
uint64_t clock_systime_ticks(void);

#ifdef __cplusplus
}
#endif

#endif /* FUSION_TIME_H */
