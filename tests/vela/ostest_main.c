/* The `ostest` builtin: runs every OSTEST case (or those whose name starts
 * with argv[1]) in link order, argv[2] times over (default once: a repeat
 * count turns a rare race into a reproducible one), one line per case, then a heap check (the
 * application heap holds as many bytes after the run as before, and its
 * structure is intact) and `N passed, N failed`. Exit status: failures != 0. */
#include <fusion/builtin.h>
#include <fusion/runtime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ostest.h"

extern const struct ostest_case __vela_ostest_start[], __vela_ostest_end[];

static int g_failures; /* of the running case; updated atomically */

void ostest_fail(const char* file, int line, const char* what) {
  __atomic_fetch_add(&g_failures, 1, __ATOMIC_SEQ_CST);
  printf("[ostest]   %s:%d: expected %s\n", file, line, what);
}

void ostest_fail_eq(const char* file, int line, const char* a_expr, const char* b_expr, long long a,
                    long long b) {
  __atomic_fetch_add(&g_failures, 1, __ATOMIC_SEQ_CST);
  printf("[ostest]   %s:%d: expected %s == %s, got %lld vs %lld\n", file, line, a_expr, b_expr, a,
         b);
}

int ostest_case_failures(void) { return __atomic_load_n(&g_failures, __ATOMIC_SEQ_CST); }

static int ostest_main(int argc, char** argv) {
  const char* prefix = argc > 1 ? argv[1] : "";
  const int rounds = argc > 2 ? atoi(argv[2]) : 1;
  if (rounds < 1) {
    fprintf(stderr, "usage: ostest [prefix [rounds]]\n");
    return 2;
  }
  int passed = 0, failed = 0;
  const size_t heap_before = fusion_heap_bytes_in_use();

  for (int round = 0; round < rounds; round++) {
    for (const struct ostest_case* c = __vela_ostest_start; c != __vela_ostest_end; ++c) {
      if (strncmp(c->name, prefix, strlen(prefix)) != 0) continue;
      __atomic_store_n(&g_failures, 0, __ATOMIC_SEQ_CST);
      c->fn();
      const int bad = ostest_case_failures();
      printf("[ostest] %s %s\n", bad ? "FAIL" : "PASS", c->name);
      if (bad) {
        failed++;
      } else {
        passed++;
      }
    }
  }

  /* Memory check: whatever the cases allocated, they freed. */
  const size_t heap_after = fusion_heap_bytes_in_use();
  if (heap_after != heap_before || !fusion_heap_check()) {
    printf("[ostest]   heap: %zu bytes in use before, %zu after, structure %s\n", heap_before,
           heap_after, fusion_heap_check() ? "ok" : "CORRUPT");
    printf("[ostest] FAIL heap_check\n");
    failed++;
  } else {
    printf("[ostest] PASS heap_check (%zu bytes in use)\n", heap_after);
    passed++;
  }

  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}

FUSION_BUILTIN(ostest, ostest_main, 100, 16384);
