// The KTEST runner: walks the .ktest section and prints one line per case.
#include <kernel/ktest.hpp>
#include <klib/printk.hpp>

extern "C" const ktest::Case __ktest_start[];
extern "C" const ktest::Case __ktest_end[];

namespace ktest {

void Context::fail(const char* file, int line, const char* what) {
  ++failures_;
  klib::printk("[ktest]   %s:%d: expected %s\n", file, line, what);
}

void Context::fail_eq(const char* file, int line, const char* a_expr, const char* b_expr,
                      long long a, long long b) {
  ++failures_;
  klib::printk("[ktest]   %s:%d: expected %s == %s, got %lld vs %lld\n", file, line, a_expr, b_expr,
               a, b);
}

int run_all(bool include_deliberate_failures, const char* suite_filter) {
  int passed = 0;
  int failed = 0;
  int skipped = 0;
  for (const Case* c = __ktest_start; c < __ktest_end; ++c) {
    if (c->deliberate_failure && !include_deliberate_failures) continue;
    if (suite_filter && __builtin_strcmp(suite_filter, c->suite) != 0) continue;
    klib::printk("[ktest] RUN  %s.%s\n", c->suite, c->name);
    Context ctx;
    c->fn(ctx);
    if (ctx.failed()) {  // a failure before a skip still counts
      ++failed;
      klib::printk("[ktest] FAIL %s.%s\n", c->suite, c->name);
    } else if (ctx.skip_reason()) {
      ++skipped;
      klib::printk("[ktest] SKIP %s.%s (%s)\n", c->suite, c->name, ctx.skip_reason());
    } else {
      ++passed;
      klib::printk("[ktest] PASS %s.%s\n", c->suite, c->name);
    }
  }
  if (skipped) klib::printk("[ktest] %d skipped\n", skipped);
  klib::printk("%d passed, %d failed\n", passed, failed);
  return failed;
}

}  // namespace ktest
