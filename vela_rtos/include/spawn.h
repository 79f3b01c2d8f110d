/* <spawn.h> for Vela applications: picolibc's posix_spawn API, plus NuttX's
 * task_spawn and the stack-size attribute. posix_spawn's "path" names a
 * FUSION_BUILTIN application (flat build: there are no executable files);
 * a path's last component is the name. envp is accepted and ignored. */
#if defined(FUSION_KERNEL) && defined(__cplusplus)
#include_next <spawn.h> /* kernel C++: see pthread.h */
#else
#ifndef VELA_SPAWN_H
#define VELA_SPAWN_H

#include_next <spawn.h>

#include <sched.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* NuttX: starts `entry` as a new task (argv[0] = name, then argv), with the
 * caller's priority unless attr sets one. Returns 0 with the pid in *pid
 * (may be NULL), or an errno value. */
int task_spawn(pid_t* pid, const char* name, main_t entry,
               const posix_spawn_file_actions_t* file_actions, const posix_spawnattr_t* attr,
               char* const argv[], char* const envp[]);

int posix_spawnattr_setstacksize(posix_spawnattr_t* attr, size_t stacksize);
int posix_spawnattr_getstacksize(const posix_spawnattr_t* attr, size_t* stacksize);

#ifdef __cplusplus
}
#endif

#endif /* VELA_SPAWN_H */
#endif
