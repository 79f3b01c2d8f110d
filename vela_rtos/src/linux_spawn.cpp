// fusion/linux.h: Vela's door to the Linux personality (vsh's run builtin).
// Errors become the Vela errno, as everywhere in the Vela API. Boards
// without an MMU have no user space: ENOSYS.
#if FUSION_CONFIG_MMU
#include <linux_compat/exec.hpp>
#endif
#include <klib/result.hpp>

#include "pthread_internal.hpp"

extern "C" int vela_linux_spawn(const char* path, const char* const* argv,
                                const char* const* envp) {
#if FUSION_CONFIG_MMU
  auto r = linux_compat::spawn(path, argv, envp);
  if (!r.ok()) {
    vela_set_errno(vela_errno_from(r.error()));
    return -1;
  }
  return *r;
#else
  (void)path, (void)argv, (void)envp;
  vela_set_errno(vela_errno_from(klib::Error::NOSYS));
  return -1;
#endif
}
