/* <nuttx/sched.h>: NuttX's internal scheduler header; Vela applications get
 * the task and scheduling API from <sched.h>. */
#ifndef VELA_NUTTX_SCHED_H
#define VELA_NUTTX_SCHED_H

#include <sched.h>

#endif /* VELA_NUTTX_SCHED_H */
