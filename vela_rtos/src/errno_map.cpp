// The one conversion from kernel errors (klib::Error, Linux numbers) to the
// errno values Vela applications see (picolibc's errno.h, newlib numbering:
// ENOSYS 88, ETIMEDOUT 116, ...). Every Vela API entry point converts here.
#include <errno.h>   // picolibc's (vela_api is built against its headers)
#include <string.h>  // strerror
#include <klib/error.hpp>

namespace {

using klib::Error;

constexpr int to_picolibc(Error e) {
  switch (e) {
    case Error::PERM:
      return EPERM;
    case Error::NOENT:
      return ENOENT;
    case Error::SRCH:
      return ESRCH;
    case Error::INTR:
      return EINTR;
    case Error::IO:
      return EIO;
    case Error::NXIO:
      return ENXIO;
    case Error::TOO_BIG:
      return E2BIG;
    case Error::NOEXEC:
      return ENOEXEC;
    case Error::BADF:
      return EBADF;
    case Error::CHILD:
      return ECHILD;
    case Error::AGAIN:
      return EAGAIN;
    case Error::NOMEM:
      return ENOMEM;
    case Error::ACCES:
      return EACCES;
    case Error::FAULT:
      return EFAULT;
    case Error::BUSY:
      return EBUSY;
    case Error::EXIST:
      return EEXIST;
    case Error::XDEV:
      return EXDEV;
    case Error::NODEV:
      return ENODEV;
    case Error::NOTDIR:
      return ENOTDIR;
    case Error::ISDIR:
      return EISDIR;
    case Error::INVAL:
      return EINVAL;
    case Error::NFILE:
      return ENFILE;
    case Error::MFILE:
      return EMFILE;
    case Error::NOTTY:
      return ENOTTY;
    case Error::FBIG:
      return EFBIG;
    case Error::NOSPC:
      return ENOSPC;
    case Error::SPIPE:
      return ESPIPE;
    case Error::ROFS:
      return EROFS;
    case Error::MLINK:
      return EMLINK;
    case Error::PIPE:
      return EPIPE;
    case Error::RANGE:
      return ERANGE;
    case Error::DEADLK:
      return EDEADLK;
    case Error::NAMETOOLONG:
      return ENAMETOOLONG;
    case Error::NOSYS:
      return ENOSYS;
    case Error::NOTEMPTY:
      return ENOTEMPTY;
    case Error::LOOP:
      return ELOOP;
    case Error::OVERFLOW:
      return EOVERFLOW;
    case Error::MSGSIZE:
      return EMSGSIZE;
    // Linux has ENOTSUP == EOPNOTSUPP; newlib separates them. The Vela API
    // reports unsupported options (POSIX: ENOTSUP); no sockets yet.
    case Error::NOTSUP:
      return ENOTSUP;
    case Error::TIMEDOUT:
      return ETIMEDOUT;
    case Error::CANCELED:
      return ECANCELED;
    case Error::OWNERDEAD:
      return EOWNERDEAD;
    case Error::NOTRECOVERABLE:
      return ENOTRECOVERABLE;
  }
  return EINVAL;  // not a klib::Error: a kernel bug, reported as bad input
}

// The numbering really is picolibc's, not Linux's.
static_assert(to_picolibc(Error::NOSYS) == 88 && to_picolibc(Error::TIMEDOUT) == 116);
static_assert(to_picolibc(Error::NOMEM) == 12 && to_picolibc(Error::AGAIN) == 11);
static_assert(to_picolibc(Error::NOTSUP) == 134 && to_picolibc(Error::DEADLK) == 45);

}  // namespace

int vela_errno_from(klib::Error e) { return to_picolibc(e); }

// For C code and tests: the same map keyed by the Linux number (klib's
// value); 0 stays 0, unknown numbers give EINVAL.
extern "C" int vela_errno_from_linux(int linux_errno) {
  return linux_errno == 0 ? 0 : to_picolibc(static_cast<Error>(linux_errno));
}

#if FUSION_SHORT_STRERROR
// The short strerror (cmake FUSION_SHORT_STRERROR, the minimal preset): the
// symbolic name the kernel already carries for printk ("ENOENT") instead of
// picolibc's table of English messages, 2.7 KiB of flash. Defined here, an
// object, so libc.a's member is never pulled in.
extern "C" char* strerror(int errnum) {
  if (errnum == 0) return const_cast<char*>("Success");
  for (int linux_errno = 1; linux_errno < 256; ++linux_errno) {
    const auto e = static_cast<Error>(linux_errno);
    const char* name = klib::error_name(e);
    if (name[1] != '?' && to_picolibc(e) == errnum) return const_cast<char*>(name);
  }
  return const_cast<char*>("Unknown error");
}
#endif
