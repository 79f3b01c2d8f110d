/* <nuttx/fs/fs.h> for Vela applications and drivers: the NuttX driver model
 * (struct file_operations, register_driver, struct pollfd, poll_notify) whose
 * one definition is fs/include/fs/nuttx_driver.h. */
#ifndef VELA_NUTTX_FS_FS_H
#define VELA_NUTTX_FS_FS_H

#if defined(FUSION_KERNEL) && defined(__cplusplus)
#include <fs/nuttx_driver.h>
#else
/* Applications take mode_t/off_t/ssize_t from picolibc's <sys/types.h>, as
 * the header's host branch does (its own typedefs are for the kernel). */
#include <sys/types.h>
#ifndef FUSION_HOST
#define FUSION_HOST 1
#define VELA_FS_H_UNDEF_HOST 1
#endif
#include "../../../../fs/include/fs/nuttx_driver.h"
#ifdef VELA_FS_H_UNDEF_HOST
#undef FUSION_HOST
#undef VELA_FS_H_UNDEF_HOST
#endif
#endif

#endif /* VELA_NUTTX_FS_FS_H */
