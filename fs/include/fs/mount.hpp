// The mount table: filesystems attached at directory vnodes. A walk that
// reaches a covered directory continues in the mounted root; ".." from a
// mounted root goes back to the covered directory first.
#pragma once

#include <fs/vnode.hpp>
#include <klib/result.hpp>

namespace fs {

struct FsContext;

struct Mount {
  Superblock* sb = nullptr;
  Vnode* covered = nullptr;  // directory mounted on (a reference); null for "/"
  Mount* parent = nullptr;
  Mount* next = nullptr;  // mount table order (mount order)
  char path[256] = {};
  char source[64] = {};
};

// Creates a superblock from `source`/`data` (filesystem specific).
using MountFn = klib::Result<Superblock*> (*)(const char* source, const void* data);

// Built-in types: "tmpfs", "devfs", "procfs". Others register (max 8).
klib::Result<void> register_fstype(const char* name, MountFn fn);

// Mounts a new `fstype` filesystem on directory `target` (resolved in ctx).
// The first mount must have target "/" and becomes the root.
klib::Result<void> mount(const FsContext& ctx, const char* source, const char* target,
                         const char* fstype, const void* data);
// Attaches an existing superblock (devfs is created before it is mounted).
klib::Result<void> mount_sb(const FsContext& ctx, Superblock* sb, const char* source,
                            const char* target);
// BUSY while files or cwds inside are in use or something is mounted below;
// INVAL if target is not a mount point.
klib::Result<void> umount(const FsContext& ctx, const char* target);

// The global root directory (a new reference), or nullptr before any mount.
Vnode* root_vnode();
// The mount whose root is `v`, or nullptr.
Mount* mount_rooted_at(const Vnode* v);

// Calls fn(mount) for each mount in mount order under the table lock.
void for_each_mount(void (*fn)(const Mount& m, void* ctx), void* ctx);

// Tears everything down (host tests between cases; BUSY if anything is open).
klib::Result<void> unmount_all();

// Superblock pins: open files and working directories inside a filesystem.
void sb_pin(Superblock* sb);
void sb_unpin(Superblock* sb);

}  // namespace fs
