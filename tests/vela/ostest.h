/* ostest: the Vela OS test harness (an ostest-class suite in the spirit of
 * NuttX's apps/testing/ostest). Each test file registers cases with
 *
 *   OSTEST(name) { OT_EXPECT(cond); OT_EXPECT_EQ(actual, expected); }
 *
 * which places a descriptor in the .vela_ostest section (KEEP in both
 * kernel.ld, between __vela_ostest_start and __vela_ostest_end). The
 * `ostest` builtin (ostest_main.c) runs them all, or those whose name starts
 * with its argument, printing one line per case and `N passed, N failed`.
 * The assertion macros may be used from any thread a case starts: failures
 * are counted for the case that is running. */
#ifndef FUSION_OSTEST_H
#define FUSION_OSTEST_H

#ifdef __cplusplus
extern "C" {
#endif

struct ostest_case {
  const char* name;
  void (*fn)(void);
  const char* file;
};

/* Reports a failed expectation of the running case (ostest_main.c). */
void ostest_fail(const char* file, int line, const char* what);
void ostest_fail_eq(const char* file, int line, const char* a_expr, const char* b_expr, long long a,
                    long long b);
/* Failures recorded so far in the running case. */
int ostest_case_failures(void);

#define OSTEST(name)                                                                             \
  static void ostest_fn_##name(void);                                                            \
  __attribute__((used, section(".vela_ostest"),                                                  \
                 aligned(sizeof(void*)))) static const struct ostest_case ostest_case_##name = { \
      #name, ostest_fn_##name, __FILE__};                                                        \
  static void ostest_fn_##name(void)

#define OT_EXPECT(cond)                                  \
  do {                                                   \
    if (!(cond)) ostest_fail(__FILE__, __LINE__, #cond); \
  } while (0)

/* Integers, pointers and enums, compared as long long. */
#define OT_EXPECT_EQ(a, b)                                                        \
  do {                                                                            \
    const long long ot_a_ = (long long)(a);                                       \
    const long long ot_b_ = (long long)(b);                                       \
    if (ot_a_ != ot_b_) ostest_fail_eq(__FILE__, __LINE__, #a, #b, ot_a_, ot_b_); \
  } while (0)

/* Stops the case at the first failure of cond. */
#define OT_ASSERT(cond)                       \
  do {                                        \
    if (!(cond)) {                            \
      ostest_fail(__FILE__, __LINE__, #cond); \
      return;                                 \
    }                                         \
  } while (0)

#ifdef __cplusplus
}
#endif

#endif /* FUSION_OSTEST_H */
