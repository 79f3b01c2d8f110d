/* <sys/stat.h> for Vela applications: picolibc's header plus lstat(), which
 * it only declares for a few targets. */
#if defined(FUSION_KERNEL) && defined(__cplusplus)
#include_next <sys/stat.h>
#else
#ifndef VELA_SYS_STAT_H
#define VELA_SYS_STAT_H

#include_next <sys/stat.h>

#ifdef __cplusplus
extern "C" {
#endif

int lstat(const char* __restrict path, struct stat* __restrict buf);

#ifdef __cplusplus
}
#endif

#endif /* VELA_SYS_STAT_H */
#endif
