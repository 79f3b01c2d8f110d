// Process groups and sessions for Vela tasks (POSIX names; NuttX has none,
// but vsh uses them for job control on the console terminal).
#include <kernel/process.hpp>

#include "pthread_internal.hpp"

using vela::fail;

VELA_API(int, setpgid, int pid, int pgid) {
  auto r = kernel::process_set_group(pid, pgid);
  return r ? 0 : fail(r.error());
}

VELA_API(int, setsid) {
  auto r = kernel::process_new_session();
  return r ? *r : fail(r.error());
}

VELA_API(int, getpgid, int pid) {
  auto r = kernel::process_group_of(pid);
  return r ? *r : fail(r.error());
}

VELA_API(int, getpgrp) { return *kernel::process_group_of(0); }

VELA_API(int, getsid, int pid) {
  auto r = kernel::process_session_of(pid);
  return r ? *r : fail(r.error());
}
