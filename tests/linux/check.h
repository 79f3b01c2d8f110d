/* Tiny test harness for the Linux conformance programs: one line per check,
 * a final "N passed, N failed" line, exit status 1 if anything failed. The
 * same binary runs under Fusion and under the host's qemu-user (real Linux
 * semantics), which is what proves each expectation. Raw syscall() is used
 * where a libc wrapper could check arguments itself. */
#ifndef FUSION_LINUX_CHECK_H
#define FUSION_LINUX_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int check_passed __attribute__((unused)), check_failed __attribute__((unused));

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (cond) {                                                                \
      ++check_passed;                                                          \
    } else {                                                                   \
      ++check_failed;                                                          \
      printf("FAIL %s:%d: %s (errno %d)\n", __FILE__, __LINE__, #cond, errno); \
    }                                                                          \
  } while (0)

/* A call that must fail with errno e. */
#define CHECK_ERR(call, e)                                                                  \
  do {                                                                                      \
    errno = 0;                                                                              \
    long check_r_ = (long)(call);                                                           \
    if (check_r_ == -1 && errno == (e)) {                                                   \
      ++check_passed;                                                                       \
    } else {                                                                                \
      ++check_failed;                                                                       \
      printf("FAIL %s:%d: %s: got %ld errno %d (%s), want %s\n", __FILE__, __LINE__, #call, \
             check_r_, errno, strerror(errno), #e);                                         \
    }                                                                                       \
  } while (0)

static inline int check_done(const char* name) {
  printf("%s: %d passed, %d failed\n", name, check_passed, check_failed);
  fflush(stdout);
  return check_failed ? 1 : 0;
}

/* An address in the kernel half on both aarch64 and riscv64 (the kernel
 * image is linked there on both). */
#define KERNEL_ADDRESS ((void*)0xffffffff80000000ul)

#endif
