// KASSERT: checks an invariant; on failure the kernel panics (and a host unit
// test aborts), printing the file, line and expression.
#pragma once

namespace klib {
[[noreturn]] void assert_fail(const char* expr, const char* file, int line);
}

#define KASSERT(cond)                                            \
  do {                                                           \
    if (!(cond)) ::klib::assert_fail(#cond, __FILE__, __LINE__); \
  } while (0)
