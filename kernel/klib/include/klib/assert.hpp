// KASSERT: checks an invariant; on failure the kernel panics (and a host unit
// test aborts), printing the file, line and expression.
#pragma once

namespace klib {
[[noreturn]] void assert_fail(const char* expr, const char* file, int line);
}

// FUSION_ASSERT_TEXT=0 (a board short of flash) keeps every check but
// drops the expression's text and the file name: the line and the panic's
// backtrace (the caller's address, tools/run symbolises it) name the check.
#if defined(FUSION_ASSERT_TEXT) && !FUSION_ASSERT_TEXT
#define FUSION_ASSERT_EXPR(cond) "-"
#define FUSION_ASSERT_FILE "-"
#else
#define FUSION_ASSERT_EXPR(cond) #cond
#define FUSION_ASSERT_FILE __FILE__
#endif

#define KASSERT(cond)                                                                         \
  do {                                                                                        \
    if (!(cond)) ::klib::assert_fail(FUSION_ASSERT_EXPR(cond), FUSION_ASSERT_FILE, __LINE__); \
  } while (0)
