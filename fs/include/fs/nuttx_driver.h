/* NuttX-compatible character and block driver model, usable from C and C++:
 * a driver fills struct file_operations (or block_operations) and calls
 * register_driver("/dev/x", &fops, 0666, priv); the VFS then routes open,
 * read, write, seek, ioctl and poll of that path to it. Member order follows
 * NuttX so positional initialisers keep working. Callbacks return >= 0 or a
 * negative errno (Linux numbering, as klib::Error). */
#ifndef FUSION_FS_NUTTX_DRIVER_H
#define FUSION_FS_NUTTX_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(FUSION_HOST)
#include <sys/types.h> /* the host C library owns mode_t, off_t, ssize_t */
#else
typedef unsigned int mode_t;
typedef int64_t off_t;
typedef intptr_t ssize_t;
typedef int64_t blkcnt_t;
typedef int32_t blksize_t;
#endif
typedef uint32_t pollevent_t;

#ifdef __cplusplus
extern "C" {
#endif

struct file;
struct inode;
struct pollfd;

/* Linux poll(2) values (the host's <poll.h> defines the same ones). */
#ifndef POLLIN
#define POLLIN 0x001
#define POLLPRI 0x002
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLNVAL 0x020
#endif

typedef void (*pollcb_t)(struct pollfd* fds);

/* NuttX's pollfd: the driver keeps a pointer while set up and reports
 * readiness with poll_notify(). */
struct pollfd {
  int fd;
  pollevent_t events;
  pollevent_t revents;
  void* arg;
  pollcb_t cb;
  void* priv; /* for the driver's own bookkeeping */
};

struct file_operations {
  int (*open)(struct file* filep);
  int (*close)(struct file* filep);
  ssize_t (*read)(struct file* filep, char* buffer, size_t buflen);
  ssize_t (*write)(struct file* filep, const char* buffer, size_t buflen);
  off_t (*seek)(struct file* filep, off_t offset, int whence);
  int (*ioctl)(struct file* filep, int cmd, unsigned long arg);
  int (*mmap)(struct file* filep, void* map); /* not supported yet */
  int (*truncate)(struct file* filep, off_t length);
  int (*poll)(struct file* filep, struct pollfd* fds, bool setup);
};

struct geometry {
  bool geo_available;
  bool geo_mediachanged;
  bool geo_writeenabled;
  blkcnt_t geo_nsectors;
  blksize_t geo_sectorsize;
};

struct block_operations {
  int (*open)(struct inode* inode);
  int (*close)(struct inode* inode);
  ssize_t (*read)(struct inode* inode, unsigned char* buffer, blkcnt_t start_sector,
                  unsigned int nsectors);
  ssize_t (*write)(struct inode* inode, const unsigned char* buffer, blkcnt_t start_sector,
                   unsigned int nsectors);
  int (*geometry)(struct inode* inode, struct geometry* geometry);
  int (*ioctl)(struct inode* inode, int cmd, unsigned long arg);
};

/* One registered driver. */
struct inode {
  int i_crefs; /* open files using it */
  mode_t i_mode;
  union {
    const struct file_operations* i_ops;
    const struct block_operations* i_bops;
  } u;
  void* i_private; /* the priv passed to register_driver */
  bool i_block;    /* u.i_bops is valid */
  bool i_unlinked; /* unregistered while still open */
};

/* One open of a driver (NuttX's struct file). */
struct file {
  int f_oflags; /* O_* flags of the open */
  off_t f_pos;
  struct inode* f_inode;
  void* f_priv; /* the driver's per-open state */
};

int register_driver(const char* path, const struct file_operations* fops, mode_t mode, void* priv);
int unregister_driver(const char* path);
int register_blockdriver(const char* path, const struct block_operations* bops, mode_t mode,
                         void* priv);
int unregister_blockdriver(const char* path);

/* Reports events on the pollfds a driver recorded during poll setup. */
void poll_notify(struct pollfd** afds, int nfds, pollevent_t eventset);

#ifdef __cplusplus
}
#endif

#endif /* FUSION_FS_NUTTX_DRIVER_H */
