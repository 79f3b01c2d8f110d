/* <sys/dirent.h> for Vela applications: picolibc's <dirent.h> includes this
 * for the system's DIR and struct dirent (its own copy only #errors). The
 * stream is opaque; entries come from the VFS one at a time. */
#ifndef VELA_SYS_DIRENT_H
#define VELA_SYS_DIRENT_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12

struct dirent {
  ino_t d_ino;
  unsigned char d_type; /* DT_* */
  char d_name[256];     /* NAME_MAX + 1 */
};

typedef struct vela_dir DIR;

#ifdef __cplusplus
}
#endif

#endif /* VELA_SYS_DIRENT_H */
