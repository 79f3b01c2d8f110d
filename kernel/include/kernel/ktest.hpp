// KTEST: in-kernel test cases, registered by macro into the .ktest linker
// section (the LK/Zircon unittest pattern) and run by `tools/run --test`.
// Output: one line per case (PASS, FAIL or SKIP with its reason), then
// `N skipped` when any case was skipped, then `N passed, N failed`.
#pragma once

#include <cstdint>

namespace ktest {

class Context {
 public:
  void fail(const char* file, int line, const char* what);
  void fail_eq(const char* file, int line, const char* a_expr, const char* b_expr, long long a,
               long long b);
  // The case cannot run here (e.g. the board lacks the device it tests): it
  // is reported as skipped, never as passed.
  void skip(const char* reason) { skip_reason_ = reason; }
  bool failed() const { return failures_ > 0; }
  const char* skip_reason() const { return skip_reason_; }

 private:
  int failures_ = 0;
  const char* skip_reason_ = nullptr;
};

struct Case {
  const char* suite;
  const char* name;
  void (*fn)(Context&);
  // A case that must fail: proves the harness can fail. Runs only when the
  // kernel command line has fusion.ktest_fail=1.
  bool deliberate_failure;
};

// Runs every case (filtered by fusion.ktest=<suite> if given); returns the
// number of failed cases.
int run_all(bool include_deliberate_failures, const char* suite_filter);

// Runs fn(arg) and reports whether it faulted (any synchronous exception)
// instead of returning. The fault address goes to *fault_address.
bool run_expecting_fault(void (*fn)(void*), void* arg, std::uint64_t* fault_address);

}  // namespace ktest

#define KTEST_DEFINE_(suite, name, deliberate)                                                     \
  static void ktest_fn_##suite##_##name(::ktest::Context& kt);                                     \
  [[gnu::used, gnu::section(".ktest")]] static const ::ktest::Case ktest_case_##suite##_##name = { \
      #suite, #name, ktest_fn_##suite##_##name, deliberate};                                       \
  static void ktest_fn_##suite##_##name([[maybe_unused]] ::ktest::Context& kt)

#define KTEST(suite, name) KTEST_DEFINE_(suite, name, false)
#define KTEST_DELIBERATE_FAILURE(suite, name) KTEST_DEFINE_(suite, name, true)

#define KT_EXPECT(cond)                              \
  do {                                               \
    if (!(cond)) kt.fail(__FILE__, __LINE__, #cond); \
  } while (0)

#define KT_ASSERT(cond)                   \
  do {                                    \
    if (!(cond)) {                        \
      kt.fail(__FILE__, __LINE__, #cond); \
      return;                             \
    }                                     \
  } while (0)

#define KT_SKIP(reason) \
  do {                  \
    kt.skip(reason);    \
    return;             \
  } while (0)

#define KT_EXPECT_EQ(a, b)                                                    \
  do {                                                                        \
    const long long kt_a_ = static_cast<long long>(a);                        \
    const long long kt_b_ = static_cast<long long>(b);                        \
    if (kt_a_ != kt_b_) kt.fail_eq(__FILE__, __LINE__, #a, #b, kt_a_, kt_b_); \
  } while (0)
