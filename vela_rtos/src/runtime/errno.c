/* picolibc's errno is thread-local (TLS, local-exec): only threads inside
 * vela::runtime::run_app have a TLS block. The kernel-side API code sets it
 * through these, which ignore threads without one. */
#include <errno.h>
#include <stdint.h>

static inline int has_tls(void) { return __builtin_thread_pointer() != 0; }

void vela_set_errno(int value) {
  if (has_tls()) errno = value;
}

int vela_get_errno(void) { return has_tls() ? errno : 0; }
