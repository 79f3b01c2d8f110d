/* <sys/mount.h> for Vela applications: NuttX's mount/umount. fstype is one
 * the VFS knows ("tmpfs", "procfs", "devfs" or a registered one); flags are
 * accepted and ignored. */
#ifndef VELA_SYS_MOUNT_H
#define VELA_SYS_MOUNT_H

#ifdef __cplusplus
extern "C" {
#endif

int mount(const char* source, const char* target, const char* filesystemtype,
          unsigned long mountflags, const void* data);
int umount(const char* target);
int umount2(const char* target, unsigned int flags); /* flags must be 0 */

#ifdef __cplusplus
}
#endif

#endif /* VELA_SYS_MOUNT_H */
