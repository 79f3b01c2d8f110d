// Symbolic names for klib::Error, used by printk, strerror in small Vela
// images and test output. One string of NUL-separated names and a byte per
// value, searched in order: a switch here compiles to a table of 132
// pointers, 0.5 KiB that the 64 KiB mps2-an385-min image cannot spare.
#include <klib/error.hpp>

#include <cstdint>

namespace klib {
namespace {

// Every error but TOO_BIG (named E2BIG, not ETOO_BIG).
// clang-format off
#define FUSION_ERRORS(X) \
  X(PERM) X(NOENT) X(SRCH) X(INTR) X(IO) X(NXIO) X(NOEXEC) \
  X(BADF) X(CHILD) X(AGAIN) X(NOMEM) X(ACCES) X(FAULT) X(BUSY) \
  X(EXIST) X(XDEV) X(NODEV) X(NOTDIR) X(ISDIR) X(INVAL) X(NFILE) \
  X(MFILE) X(NOTTY) X(FBIG) X(NOSPC) X(SPIPE) X(ROFS) X(MLINK) \
  X(PIPE) X(RANGE) X(DEADLK) X(NAMETOOLONG) X(NOSYS) X(NOTEMPTY) X(LOOP) \
  X(OVERFLOW) X(MSGSIZE) X(NOTSUP) X(TIMEDOUT) X(CANCELED) X(OWNERDEAD) X(NOTRECOVERABLE)
// clang-format on

constexpr std::uint8_t kValues[] = {
#define FUSION_ERROR_VALUE(n) static_cast<std::uint8_t>(Error::n),
    FUSION_ERRORS(FUSION_ERROR_VALUE)
#undef FUSION_ERROR_VALUE
};

constexpr char kNames[] =
#define FUSION_ERROR_STRING(n) "E" #n "\0"
    FUSION_ERRORS(FUSION_ERROR_STRING)
#undef FUSION_ERROR_STRING
    ;

static_assert(static_cast<int>(Error::NOTRECOVERABLE) < 256, "values are stored as bytes");

}  // namespace

const char* error_name(Error e) {
  if (e == Error::TOO_BIG) return "E2BIG";
  const char* name = kNames;
  for (const std::uint8_t v : kValues) {
    if (static_cast<int>(e) == v) return name;
    name += __builtin_strlen(name) + 1;
  }
  return "E?";
}

}  // namespace klib
