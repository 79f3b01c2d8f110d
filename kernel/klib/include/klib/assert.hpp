// KASSERT: checks an invariant; on failure the kernel panics (and a host unit
// test aborts), printing the file, line and expression.
#pragma once

namespace klib {
[[noreturn]] void assert_fail(const char* expr, const char* file, int line);
}

// FUSION_ASSERT_TEXT=0 (a board short of flash) keeps every check but
// drops the expression's text: file and line still name the assertion.
#if defined(FUSION_ASSERT_TEXT) && !FUSION_ASSERT_TEXT
#define FUSION_ASSERT_EXPR(cond) "-"
#else
#define FUSION_ASSERT_EXPR(cond) #cond
#endif

#define KASSERT(cond)                                                               \
  do {                                                                              \
    if (!(cond)) ::klib::assert_fail(FUSION_ASSERT_EXPR(cond), __FILE__, __LINE__); \
  } while (0)
