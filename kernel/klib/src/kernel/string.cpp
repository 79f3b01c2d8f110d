// The C string/memory functions the kernel and libfdt need. The kernel has no
// C library (picolibc arrives with the Vela personality for applications), and
// GCC may emit calls to memcpy/memset/memmove/memcmp itself.
#include <cstddef>
#include <cstdint>

extern "C" {

void* memcpy(void* dst, const void* src, std::size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  auto* s = static_cast<const unsigned char*>(src);
  // Word copies when both are aligned: memcpy sits on hot paths (page copies).
  if (((reinterpret_cast<std::uintptr_t>(d) | reinterpret_cast<std::uintptr_t>(s)) & 7) == 0) {
    for (; n >= 8; n -= 8, d += 8, s += 8)
      *reinterpret_cast<std::uint64_t*>(d) = *reinterpret_cast<const std::uint64_t*>(s);
  }
  while (n--) *d++ = *s++;
  return dst;
}

void* memmove(void* dst, const void* src, std::size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  auto* s = static_cast<const unsigned char*>(src);
  if (d == s || n == 0) return dst;
  if (d < s || d >= s + n) return memcpy(dst, src, n);
  while (n--) d[n] = s[n];
  return dst;
}

void* memset(void* dst, int c, std::size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  const auto byte = static_cast<unsigned char>(c);
  if ((reinterpret_cast<std::uintptr_t>(d) & 7) == 0) {
    const std::uint64_t word = 0x0101010101010101ull * byte;
    for (; n >= 8; n -= 8, d += 8) *reinterpret_cast<std::uint64_t*>(d) = word;
  }
  while (n--) *d++ = byte;
  return dst;
}

int memcmp(const void* a, const void* b, std::size_t n) {
  auto* x = static_cast<const unsigned char*>(a);
  auto* y = static_cast<const unsigned char*>(b);
  for (std::size_t i = 0; i < n; ++i)
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

void* memchr(const void* s, int c, std::size_t n) {
  auto* p = static_cast<const unsigned char*>(s);
  for (std::size_t i = 0; i < n; ++i)
    if (p[i] == static_cast<unsigned char>(c)) return const_cast<unsigned char*>(p + i);
  return nullptr;
}

std::size_t strlen(const char* s) {
  std::size_t n = 0;
  while (s[n]) ++n;
  return n;
}

std::size_t strnlen(const char* s, std::size_t max) {
  std::size_t n = 0;
  while (n < max && s[n]) ++n;
  return n;
}

int strcmp(const char* a, const char* b) {
  while (*a && *a == *b) ++a, ++b;
  return static_cast<unsigned char>(*a) - static_cast<unsigned char>(*b);
}

int strncmp(const char* a, const char* b, std::size_t n) {
  for (; n; --n, ++a, ++b) {
    if (*a != *b || !*a) return static_cast<unsigned char>(*a) - static_cast<unsigned char>(*b);
  }
  return 0;
}

// GCC lowers __builtin_strncpy to a call on riscv64 (aarch64 inlines it).
char* strncpy(char* dst, const char* src, std::size_t n) {
  std::size_t i = 0;
  for (; i < n && src[i]; ++i) dst[i] = src[i];
  for (; i < n; ++i) dst[i] = '\0';
  return dst;
}

char* strchr(const char* s, int c) {
  for (;; ++s) {
    if (*s == static_cast<char>(c)) return const_cast<char*>(s);
    if (!*s) return nullptr;
  }
}

char* strrchr(const char* s, int c) {
  const char* found = nullptr;
  for (;; ++s) {
    if (*s == static_cast<char>(c)) found = s;
    if (!*s) return const_cast<char*>(found);
  }
}

}  // extern "C"
