/* <sys/uio.h> for Vela applications (picolibc has none): scatter/gather I/O. */
#ifndef VELA_SYS_UIO_H
#define VELA_SYS_UIO_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct iovec {
  void* iov_base;
  size_t iov_len;
};

#define IOV_MAX 1024

ssize_t readv(int fd, const struct iovec* iov, int iovcnt);
ssize_t writev(int fd, const struct iovec* iov, int iovcnt);

#ifdef __cplusplus
}
#endif

#endif /* VELA_SYS_UIO_H */
