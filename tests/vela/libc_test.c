/* ostest: the C library as applications see it: stdio formatting with
 * floats, setjmp/longjmp, libm, the TLSF-backed malloc family, errno (and
 * its mapping from kernel errors), errno and FP registers per thread. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ostest.h"

int vela_errno_from_linux(int linux_errno); /* vela_rtos/src/errno_map.cpp */

OSTEST(libc_snprintf_floats) {
  char buf[128];
  int n = snprintf(buf, sizeof buf, "%.3f|%e|%g|%5.1f|%d|%s|%x|%lld", 3.14159, 12345.678, 0.0001,
                   -2.25, -7, "str", 255u, -9000000000LL);
  OT_EXPECT(strcmp(buf, "3.142|1.234568e+04|0.0001| -2.2|-7|str|ff|-9000000000") == 0 ||
            strcmp(buf, "3.142|1.234568e+04|0.0001| -2.3|-7|str|ff|-9000000000") == 0);
  OT_EXPECT_EQ(n, (int)strlen(buf));
  /* Truncation still reports the full length. */
  volatile size_t small = 4;
  OT_EXPECT_EQ(snprintf(buf, small, "%f", 1.5), 8);
  OT_EXPECT(strcmp(buf, "1.5") == 0);
  double d = 0;
  OT_EXPECT_EQ(sscanf("2.5e3", "%lf", &d), 1);
  OT_EXPECT(d == 2500.0);
  OT_EXPECT(strtod("-0.125", NULL) == -0.125);
}

static jmp_buf g_jmp;

static void __attribute__((noinline)) jump_inner(void) { longjmp(g_jmp, 7); }
static void __attribute__((noinline)) jump_back(void) { jump_inner(); }

OSTEST(libc_setjmp_longjmp) {
  volatile int stage = 0;
  volatile double kept = 1.25;
  int r = setjmp(g_jmp);
  if (r == 0) {
    stage = 1;
    kept = 2.5;
    jump_back();
    stage = 99; /* not reached */
  }
  OT_EXPECT_EQ(r, 7);
  OT_EXPECT_EQ(stage, 1);
  OT_EXPECT(kept == 2.5);
  /* longjmp(…, 0) returns 1. */
  if ((r = setjmp(g_jmp)) == 0) longjmp(g_jmp, 0);
  OT_EXPECT_EQ(r, 1);
}

OSTEST(libc_math) {
  volatile double two = 2.0, pi = M_PI;
  OT_EXPECT(fabs(sqrt(two) * sqrt(two) - 2.0) < 1e-12);
  OT_EXPECT(fabs(sin(pi / 2) - 1.0) < 1e-12);
  OT_EXPECT(fabs(cos(pi) + 1.0) < 1e-12);
  OT_EXPECT(pow(two, 10) == 1024.0);
  OT_EXPECT(fabs(log(exp(two)) - 2.0) < 1e-12);
  OT_EXPECT(floor(-1.5) == -2.0 && ceil(-1.5) == -1.0);
  OT_EXPECT(fabsf(sqrtf(9.0f) - 3.0f) < 1e-6f);
  OT_EXPECT(isnan(sqrt(-two)));
  OT_EXPECT(isinf(1.0 / (two - 2.0)));
}

OSTEST(libc_malloc_free) {
  void* p[64];
  for (int i = 0; i < 64; i++) {
    size_t size = (size_t)(i * 37 % 1000) + 1;
    p[i] = malloc(size);
    OT_ASSERT(p[i] != NULL);
    OT_EXPECT_EQ((uintptr_t)p[i] % _Alignof(max_align_t), 0);
    memset(p[i], i, size);
  }
  for (int i = 0; i < 64; i += 2) {
    size_t size = (size_t)(i * 37 % 1000) + 1;
    unsigned char* c = p[i];
    OT_EXPECT(c[0] == (unsigned char)i && c[size - 1] == (unsigned char)i);
    free(p[i]);
  }
  for (int i = 1; i < 64; i += 2) free(p[i]);

  char* s = malloc(16);
  OT_ASSERT(s != NULL);
  strcpy(s, "0123456789");
  s = realloc(s, 100000);
  OT_ASSERT(s != NULL);
  OT_EXPECT(strcmp(s, "0123456789") == 0);
  free(s);

  int* z = calloc(1000, sizeof(int));
  OT_ASSERT(z != NULL);
  int sum = 0;
  for (int i = 0; i < 1000; i++) sum += z[i];
  OT_EXPECT_EQ(sum, 0);
  free(z);

  void* a = NULL;
  OT_EXPECT_EQ(posix_memalign(&a, 4096, 100), 0);
  OT_EXPECT_EQ((uintptr_t)a % 4096, 0);
  free(a);
  OT_EXPECT_EQ(posix_memalign(&a, 3, 100), EINVAL);
  void* zero = malloc(0);
  OT_EXPECT(zero != NULL);
  free(zero);
  free(NULL);
  errno = 0;
  volatile size_t huge = (size_t)-1;
  OT_EXPECT(calloc(huge, 16) == NULL);
  OT_EXPECT_EQ(errno, ENOMEM);
}

OSTEST(libc_errno_values) {
  /* picolibc (newlib) numbering, converted from the kernel's Linux numbers. */
  OT_EXPECT_EQ(ENOSYS, 88);
  OT_EXPECT_EQ(ETIMEDOUT, 116);
  OT_EXPECT_EQ(vela_errno_from_linux(110), ETIMEDOUT);
  OT_EXPECT_EQ(vela_errno_from_linux(38), ENOSYS);
  OT_EXPECT_EQ(vela_errno_from_linux(11), EAGAIN);
  OT_EXPECT_EQ(vela_errno_from_linux(95), ENOTSUP);
  OT_EXPECT_EQ(vela_errno_from_linux(35), EDEADLK);
  OT_EXPECT_EQ(vela_errno_from_linux(0), 0);
  errno = 0;
  OT_EXPECT(strtol("99999999999999999999", NULL, 10) == LONG_MAX);
  OT_EXPECT_EQ(errno, ERANGE);
}

/* errno and FP registers are per thread (pthreads). A thread without a TLS
 * block (pthread start not going through vela::runtime::run_app) fails the
 * case instead of faulting. Named pthread_*: it needs the pthread layer. */
static uintptr_t thread_pointer(void) { return (uintptr_t)__builtin_thread_pointer(); }

struct per_thread {
  int value;
  volatile int ok;
};

static volatile int g_go;

static void* errno_fp_thread(void* arg) {
  struct per_thread* t = arg;
  if (thread_pointer() == 0) {
    printf(
        "[ostest]   pthread without TLS/FP state: its start must go through "
        "vela::runtime::run_app\n");
    return NULL;
  }
  errno = t->value;
  volatile double acc = t->value;
  while (!g_go) sched_yield();
  for (int i = 0; i < 2000; i++) {
    acc = acc * 1.000001 + 0.5; /* FP state live across yields */
    if (i % 100 == 0) sched_yield();
  }
  double expect = t->value;
  for (int i = 0; i < 2000; i++) expect = expect * 1.000001 + 0.5;
  t->ok = errno == t->value && acc == expect;
  return NULL;
}

OSTEST(pthread_errno_and_fp_per_thread) {
  struct per_thread t[3] = {{EINTR, 0}, {ERANGE, 0}, {EDOM, 0}};
  pthread_t th[3];
  g_go = 0;
  errno = EBADF;
  for (int i = 0; i < 3; i++) OT_ASSERT(pthread_create(&th[i], NULL, errno_fp_thread, &t[i]) == 0);
  g_go = 1;
  for (int i = 0; i < 3; i++) pthread_join(th[i], NULL);
  for (int i = 0; i < 3; i++) OT_EXPECT(t[i].ok);
  OT_EXPECT_EQ(errno, EBADF);
}
