// FileOps adapters that run NuttX character and block drivers (struct inode
// in Vnode::file_priv) behind the VFS, and the built-in device drivers.
#pragma once

#include <fs/vnode.hpp>

struct inode;

namespace fs {

extern const FileOps kDriverFileOps;
extern const FileOps kBlockFileOps;
std::uint64_t block_device_size(struct inode* ino);  // 0 if geometry is unknown
void register_builtin_devices();                     // /dev/null, /dev/zero

}  // namespace fs
