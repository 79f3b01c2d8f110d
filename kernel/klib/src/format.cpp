// klib::vformat: the printf subset the kernel uses. Hand-written rather than
// picolibc's because printk must work before any heap exists, from interrupt
// context, and with no locale or FP support pulled in.
#include <klib/printk.hpp>

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace klib {
namespace {

struct Sink {
  char* buf;
  std::size_t size;
  std::size_t len = 0;

  void put(char c) {
    if (len + 1 < size) buf[len] = c;
    ++len;
  }
};

struct Spec {
  bool left = false;
  bool zero = false;
  int width = 0;
  int precision = -1;
};

void emit_padded(Sink& out, const char* s, std::size_t n, const Spec& spec, bool numeric) {
  std::size_t pad = spec.width > 0 && static_cast<std::size_t>(spec.width) > n ? spec.width - n : 0;
  const char fill = spec.zero && !spec.left && numeric ? '0' : ' ';
  // A zero-padded negative number keeps its sign in front of the zeros.
  if (fill == '0' && n > 0 && s[0] == '-') {
    out.put('-');
    ++s;
    --n;
  }
  if (!spec.left)
    for (; pad; --pad) out.put(fill);
  for (std::size_t i = 0; i < n; ++i) out.put(s[i]);
  for (; pad; --pad) out.put(' ');
}

void emit_unsigned(Sink& out, std::uint64_t v, unsigned base, bool upper, bool negative,
                   const Spec& spec) {
  char tmp[24];
  int i = sizeof(tmp);
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  do {
    tmp[--i] = digits[v % base];
    v /= base;
  } while (v);
  if (negative) tmp[--i] = '-';
  emit_padded(out, tmp + i, sizeof(tmp) - i, spec, true);
}

}  // namespace

int vformat(char* buf, std::size_t size, const char* fmt, va_list ap) {
  Sink out{buf, size};
  for (; *fmt; ++fmt) {
    if (*fmt != '%') {
      out.put(*fmt);
      continue;
    }
    ++fmt;
    Spec spec;
    for (;; ++fmt) {
      if (*fmt == '-')
        spec.left = true;
      else if (*fmt == '0')
        spec.zero = true;
      else
        break;
    }
    if (*fmt == '*') {
      spec.width = va_arg(ap, int);
      ++fmt;
    }
    while (*fmt >= '0' && *fmt <= '9') spec.width = spec.width * 10 + (*fmt++ - '0');
    if (*fmt == '.') {
      ++fmt;
      spec.precision = 0;
      if (*fmt == '*') {
        spec.precision = va_arg(ap, int);
        ++fmt;
      }
      while (*fmt >= '0' && *fmt <= '9') spec.precision = spec.precision * 10 + (*fmt++ - '0');
    }
    // l and z follow the target (64-bit on LP64, 32-bit on ILP32); ll is 64-bit.
    int longness = 0;
    bool size_t_arg = false;
    while (*fmt == 'l' || *fmt == 'z') {
      if (*fmt == 'z') size_t_arg = true;
      if (*fmt == 'l') ++longness;
      ++fmt;
    }
    auto get_signed = [&]() -> std::int64_t {
      if (longness >= 2) return va_arg(ap, long long);
      if (longness == 1) return va_arg(ap, long);
      if (size_t_arg) return static_cast<std::make_signed_t<std::size_t>>(va_arg(ap, std::size_t));
      return va_arg(ap, int);
    };
    auto get_unsigned = [&]() -> std::uint64_t {
      if (longness >= 2) return va_arg(ap, unsigned long long);
      if (longness == 1) return va_arg(ap, unsigned long);
      if (size_t_arg) return va_arg(ap, std::size_t);
      return va_arg(ap, unsigned int);
    };
    switch (*fmt) {
      case 'd':
      case 'i': {
        std::int64_t v = get_signed();
        const bool neg = v < 0;
        emit_unsigned(out, neg ? 0 - static_cast<std::uint64_t>(v) : v, 10, false, neg, spec);
        break;
      }
      case 'u':
        emit_unsigned(out, get_unsigned(), 10, false, false, spec);
        break;
      case 'x':
      case 'X':
        emit_unsigned(out, get_unsigned(), 16, *fmt == 'X', false, spec);
        break;
      case 'p': {
        out.put('0');
        out.put('x');
        Spec p = spec;
        p.zero = true;
        p.width = 16;
        emit_unsigned(out, reinterpret_cast<std::uintptr_t>(va_arg(ap, void*)), 16, false, false,
                      p);
        break;
      }
      case 's': {
        const char* s = va_arg(ap, const char*);
        if (!s) s = "(null)";
        std::size_t n = 0;
        while (s[n] && (spec.precision < 0 || n < static_cast<std::size_t>(spec.precision))) ++n;
        emit_padded(out, s, n, spec, false);
        break;
      }
      case 'c': {
        char c = static_cast<char>(va_arg(ap, int));
        emit_padded(out, &c, 1, spec, false);
        break;
      }
      case '%':
        out.put('%');
        break;
      case '\0':
        --fmt;  // a lone '%' at the end: stop at the terminator
        break;
      default:  // unknown conversion: print it verbatim so the bug is visible
        out.put('%');
        out.put(*fmt);
    }
  }
  if (size) buf[out.len < size ? out.len : size - 1] = '\0';
  return static_cast<int>(out.len);
}

int format(char* buf, std::size_t size, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vformat(buf, size, fmt, ap);
  va_end(ap);
  return n;
}

}  // namespace klib
