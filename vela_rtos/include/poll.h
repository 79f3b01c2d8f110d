/* <poll.h> for Vela applications (picolibc has none): NuttX's struct pollfd
 * (shared with drivers, see <nuttx/fs/fs.h>) and poll(). Event values are
 * Linux's, which is what the fs/ poll core and drivers report. */
#ifndef VELA_POLL_H
#define VELA_POLL_H

#include <nuttx/fs/fs.h>

#define POLLRDNORM 0x040
#define POLLRDBAND 0x080
#define POLLWRNORM 0x100
#define POLLWRBAND 0x200

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned int nfds_t;

/* Waits up to timeout_ms (< 0: forever, 0: just checks); returns the number
 * of entries with revents set, 0 on timeout, -1 with errno (EFAULT, EINVAL,
 * ENOMEM). Bad descriptors get POLLNVAL, not an error. */
int poll(struct pollfd* fds, nfds_t nfds, int timeout_ms);

#ifdef __cplusplus
}
#endif

#endif /* VELA_POLL_H */
