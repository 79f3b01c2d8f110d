// devfs: the device namespace mounted at /dev. Drivers register with the
// NuttX calls in fs/nuttx_driver.h (register_driver & co.); a registration
// under "/dev/" lands in this filesystem whether or not it is mounted yet,
// any other path is created as a device node through the VFS.
#pragma once

#include <fs/vnode.hpp>
#include <klib/result.hpp>

namespace fs {

// The one devfs instance (created on first use, with /dev/null and /dev/zero).
klib::Result<Superblock*> devfs_instance();
klib::Result<Superblock*> devfs_mount(const char* source, const void* data);
// Drops the instance after it has been unmounted (host tests).
void devfs_reset();

}  // namespace fs
