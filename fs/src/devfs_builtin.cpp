// /dev/null and /dev/zero, written as NuttX drivers like any other.
#include <fs/nuttx_driver.h>

#include "driver_ops.hpp"

namespace {

ssize_t null_read(struct file*, char*, size_t) { return 0; }
ssize_t any_write(struct file*, const char*, size_t n) { return static_cast<ssize_t>(n); }
ssize_t zero_read(struct file*, char* buf, size_t n) {
  __builtin_memset(buf, 0, n);
  return static_cast<ssize_t>(n);
}
off_t no_seek(struct file*, off_t, int) { return 0; }  // like Linux: lseek succeeds, pos stays 0

// NuttX member order: open close read write seek ioctl mmap truncate poll.
const struct file_operations kNull = {nullptr, nullptr, null_read, any_write, no_seek,
                                      nullptr, nullptr, nullptr,   nullptr};
const struct file_operations kZero = {nullptr, nullptr, zero_read, any_write, no_seek,
                                      nullptr, nullptr, nullptr,   nullptr};

}  // namespace

namespace fs {

void register_builtin_devices() {
  register_driver("/dev/null", &kNull, 0666, nullptr);
  register_driver("/dev/zero", &kZero, 0666, nullptr);
}

}  // namespace fs
