// tmpfs: an in-memory filesystem (directories, regular files stored in
// page-sized chunks, symlinks, device nodes, FIFOs, hard links).
#pragma once

#include <fs/vnode.hpp>
#include <klib/result.hpp>

namespace fs {

klib::Result<Superblock*> tmpfs_create();
// MountFn for "tmpfs".
klib::Result<Superblock*> tmpfs_mount(const char* source, const void* data);

}  // namespace fs
