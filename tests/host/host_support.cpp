// Host implementations of the few kernel hooks portable code calls.
#include <klib/assert.hpp>

#include <cstdio>
#include <cstdlib>

namespace klib {
[[noreturn]] void assert_fail(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "KASSERT failed: %s at %s:%d\n", expr, file, line);
  std::abort();
}
}  // namespace klib
