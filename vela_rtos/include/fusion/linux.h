/* Starting Linux programs from Vela code (Fusion extension, not NuttX): the
 * Linux personality (linux_compat/) loads a static ELF executable into a new
 * user address space and starts it as a child of the caller, with the
 * caller's descriptors. Wait for it with waitpid. */
#ifndef FUSION_LINUX_H
#define FUSION_LINUX_H

#ifdef __cplusplus
extern "C" {
#endif

/* argv and envp are NULL-terminated. Returns the pid, or -1 with errno set
 * (ENOEXEC for a file that is not a runnable executable; the console line
 * says why). */
int vela_linux_spawn(const char* path, const char* const* argv, const char* const* envp);

#ifdef __cplusplus
}
#endif

#endif
