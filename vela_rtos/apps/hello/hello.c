/* hello: the first Vela application. Exercises what the runtime provides:
 * stdio with integers and floats, malloc/free, errno from a failing call,
 * libm. Exit status 0 when everything checked out. */
#include <errno.h>
#include <fusion/builtin.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hello_main(int argc, char** argv) {
  int bad = 0;
  printf("Hello from Vela! argc=%d", argc);
  for (int i = 1; i < argc; ++i) printf(" [%s]", argv[i]);
  printf("\n");
  printf("ints: %d %u %x %lld\n", -42, 42u, 0xbeefu, 1234567890123LL);

  volatile double x = 2.0;
  const double r = sqrt(x);
  const double s = sin(M_PI / 6);
  printf("float: sqrt(2) = %f, sin(pi/6) = %.3f, %g\n", r, s, 1.5e-7);
  if (fabs(r - 1.41421356) > 1e-6 || fabs(s - 0.5) > 1e-9) bad = 1;

  char* p = malloc(1000);
  if (!p) {
    printf("malloc failed\n");
    return 1;
  }
  strcpy(p, "heap works");
  printf("malloc: %s\n", p);
  free(p);

  errno = 0;
  void* huge = malloc(SIZE_MAX / 2); /* more than any board's RAM, 32- or 64-bit */
  printf("errno after malloc(SIZE_MAX / 2): %d (%s)\n", errno, errno == ENOMEM ? "ENOMEM" : "?");
  if (huge || errno != ENOMEM) bad = 1;
  errno = 0;
  (void)strtol("99999999999999999999999", NULL, 10);
  printf("errno after strtol overflow: %d (%s)\n", errno, errno == ERANGE ? "ERANGE" : "?");
  if (errno != ERANGE) bad = 1;

  printf("hello: %s\n", bad ? "FAILED" : "ok");
  return bad;
}

FUSION_BUILTIN(hello, hello_main, 100, 8192);
