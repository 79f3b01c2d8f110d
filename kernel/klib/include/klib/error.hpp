// Kernel error codes, named as errno without the leading E (the host C library
// defines the E names as macros). The numeric values are the Linux errno numbers so the
// Linux personality returns -static_cast<int>(e) and the Vela API sets errno
// without a translation table.
#pragma once

namespace klib {

enum class Error : int {
  PERM = 1,
  NOENT = 2,
  SRCH = 3,
  INTR = 4,
  IO = 5,
  NXIO = 6,
  TOO_BIG = 7,  // E2BIG
  NOEXEC = 8,
  BADF = 9,
  CHILD = 10,
  AGAIN = 11,
  NOMEM = 12,
  ACCES = 13,
  FAULT = 14,
  BUSY = 16,
  EXIST = 17,
  XDEV = 18,
  NODEV = 19,
  NOTDIR = 20,
  ISDIR = 21,
  INVAL = 22,
  NFILE = 23,
  MFILE = 24,
  NOTTY = 25,
  FBIG = 27,
  NOSPC = 28,
  SPIPE = 29,
  ROFS = 30,
  MLINK = 31,
  PIPE = 32,
  RANGE = 34,
  DEADLK = 35,
  NAMETOOLONG = 36,
  NOSYS = 38,
  NOTEMPTY = 39,
  LOOP = 40,
  OVERFLOW = 75,
  MSGSIZE = 90,
  NOTSUP = 95,  // EOPNOTSUPP
  TIMEDOUT = 110,
  CANCELED = 125,
  OWNERDEAD = 130,
  NOTRECOVERABLE = 131,
};

// Short symbolic name ("ENOMEM") for logs and test failure messages.
const char* error_name(Error e);

}  // namespace klib
