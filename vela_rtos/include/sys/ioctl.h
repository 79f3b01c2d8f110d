/* <sys/ioctl.h> for Vela applications (picolibc has none): NuttX's ioctl()
 * signature; requests go to the driver's file_operations.ioctl. FIONBIO is
 * handled for every descriptor (it toggles O_NONBLOCK). */
#ifndef VELA_SYS_IOCTL_H
#define VELA_SYS_IOCTL_H

#define FIONREAD 0x541B /* int *: bytes readable (drivers that support it) */
#define FIONBIO 0x5421  /* int *: nonzero sets O_NONBLOCK */

#ifdef __cplusplus
extern "C" {
#endif

int ioctl(int fd, int req, ...);

#ifdef __cplusplus
}
#endif

#endif /* VELA_SYS_IOCTL_H */
