/* vsh output helpers: formatted writes straight to fds 1 and 2 (no stdio
 * buffering, so output interleaves correctly with applications' own). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vsh.h"

static void vwrite_fd(int fd, const char* fmt, va_list ap) {
  char buf[512];
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  if (n < 0) return;
  if ((size_t)n >= sizeof buf) n = sizeof buf - 1;
  for (int off = 0; off < n;) {
    ssize_t w = write(fd, buf + off, (size_t)(n - off));
    if (w <= 0) return;
    off += (int)w;
  }
}

void vsh_printf(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vwrite_fd(1, fmt, ap);
  va_end(ap);
}

void vsh_errorf(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vwrite_fd(2, fmt, ap);
  va_end(ap);
}

void vsh_puts(const char* s) {
  size_t n = strlen(s);
  while (n) {
    ssize_t w = write(1, s, n);
    if (w <= 0) return;
    s += w;
    n -= (size_t)w;
  }
}

/* Decimal with an optional sign; 0 if s is not a whole number. */
int vsh_atoi(const char* s, int* out) {
  int sign = 1;
  long v = 0;
  if (!s || !*s) return 0;
  if (*s == '-' || *s == '+') sign = *s++ == '-' ? -1 : 1;
  if (!*s) return 0;
  for (; *s; ++s) {
    if (*s < '0' || *s > '9') return 0;
    v = v * 10 + (*s - '0');
    if (v > 0x7fffffff) return 0;
  }
  *out = (int)(sign * v);
  return 1;
}
