// ProcBuf: the growable text buffer procfs generators print into.
#include <fs/platform.hpp>
#include <fs/procfs.hpp>
#include <klib/printk.hpp>

namespace fs {

ProcBuf::~ProcBuf() { free(data_); }

void ProcBuf::append(const char* s, std::size_t n) {
  if (failed_) return;
  if (size_ + n + 1 > cap_) {
    std::size_t cap = cap_ ? cap_ : 256;
    while (cap < size_ + n + 1) cap *= 2;
    char* bigger = static_cast<char*>(alloc(cap));
    if (!bigger) {
      failed_ = true;
      return;
    }
    if (data_) __builtin_memcpy(bigger, data_, size_);
    free(data_);
    data_ = bigger;
    cap_ = cap;
  }
  __builtin_memcpy(data_ + size_, s, n);
  size_ += n;
  data_[size_] = '\0';
}

void ProcBuf::printf(const char* fmt, ...) {
  char small[256];
  va_list ap;
  va_start(ap, fmt);
  va_list again;
  va_copy(again, ap);
  const int n = klib::vformat(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) {
    va_end(again);
    return;
  }
  if (static_cast<std::size_t>(n) < sizeof small) {
    append(small, static_cast<std::size_t>(n));
  } else {
    char* big = static_cast<char*>(alloc(static_cast<std::size_t>(n) + 1));
    if (big) {
      klib::vformat(big, static_cast<std::size_t>(n) + 1, fmt, again);
      append(big, static_cast<std::size_t>(n));
      free(big);
    } else {
      failed_ = true;
    }
  }
  va_end(again);
}

char* ProcBuf::release() {
  char* d = data_;
  data_ = nullptr;
  size_ = cap_ = 0;
  return d;
}

}  // namespace fs
