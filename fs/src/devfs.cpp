// devfs: one tmpfs-shaped instance whose device nodes carry NuttX drivers,
// and the register_driver/register_blockdriver entry points. The driver
// record (struct inode) lives as long as its vnode: unregistering unlinks
// the name, and the last reference (an open file, say) frees the record.
#include <fs/nuttx_driver.h>
#include <fs/devfs.hpp>
#include <fs/path.hpp>

#include "driver_ops.hpp"
#include "tmpfs_internal.hpp"

namespace fs {
namespace {

using klib::Err;
using klib::Error;
using klib::Result;

Lock g_lock;
tmpfs::Sb* g_devfs = nullptr;
void (*g_tmpfs_kill)(Superblock*) = nullptr;

void release_driver(Vnode* v) {
  if ((v->type == VType::CharDev || v->type == VType::BlockDev) && v->file_priv) {
    destroy(static_cast<struct inode*>(v->file_priv));
    v->file_priv = nullptr;
  }
}

// The instance, created with /dev/null and /dev/zero on first use.
Result<tmpfs::Sb*> instance() {
  bool created = false;
  tmpfs::Sb* sb;
  {
    LockGuard g(g_lock);
    if (!g_devfs) {
      tmpfs::Sb* fresh = TRY(tmpfs::create_sb("devfs"));
      fresh->node_release = release_driver;
      g_tmpfs_kill = fresh->kill;
      fresh->kill = nullptr;  // survives umount: drivers stay registered
      g_devfs = fresh;
      created = true;
    }
    sb = g_devfs;
  }
  if (created) register_builtin_devices();  // takes g_lock again through register_driver
  return sb;
}

// "/dev/a/b" -> directory "a" (created as needed) and name "b". A reference.
Result<Parent> devfs_parent(const char* path, bool create_dirs) {
  constexpr char kPrefix[] = "/dev/";
  if (!path || __builtin_strncmp(path, kPrefix, sizeof kPrefix - 1) != 0) return Err(Error::INVAL);
  const char* p = path + sizeof kPrefix - 1;
  tmpfs::Sb* sb = TRY(instance());
  Vnode* dir = vnode_get(sb->root);
  for (;;) {
    while (*p == '/') ++p;
    const char* s = p;
    while (*p && *p != '/') ++p;
    Name n{s, static_cast<std::size_t>(p - s)};
    const char* rest = p;
    while (*rest == '/') ++rest;
    if (!*rest) {
      if (!name_valid(n)) {
        vnode_put(dir);
        return Err(n.len > kNameMax ? Error::NAMETOOLONG : Error::INVAL);
      }
      return Parent{dir, n, false};
    }
    auto found = dir->ops->lookup(dir, n);
    Vnode* next = found ? *found : nullptr;
    Error e = found ? Error{} : found.error();
    if (!next && e == Error::NOENT && create_dirs) {
      auto made = dir->ops->mkdir(dir, n, 0755);
      next = made ? *made : nullptr;
      e = made ? Error{} : made.error();
    }
    vnode_put(dir);
    if (!next) return Err(e);
    dir = next;
    if (dir->type != VType::Directory) {
      vnode_put(dir);
      return Err(Error::NOTDIR);
    }
  }
}

int do_register(const char* path, struct inode* ino, bool block) {
  auto p = devfs_parent(path, true);
  if (!p) {
    destroy(ino);
    return -static_cast<int>(p.error());
  }
  const std::uint32_t m = (block ? mode::IFBLK : mode::IFCHR) | (ino->i_mode & mode::PERM);
  auto v = p->dir->ops->create(p->dir, p->last, m, 0);
  vnode_put(p->dir);
  if (!v) {
    destroy(ino);
    return -static_cast<int>(v.error());
  }
  (*v)->file_priv = ino;
  (*v)->fops = block ? &kBlockFileOps : &kDriverFileOps;
  if (block) (*v)->size = block_device_size(ino);
  vnode_put(*v);
  return 0;
}

int do_unregister(const char* path, bool block) {
  auto p = devfs_parent(path, false);
  if (!p) return -static_cast<int>(p.error());
  int rc = 0;
  auto v = p->dir->ops->lookup(p->dir, p->last);
  if (!v) {
    rc = -static_cast<int>(v.error());
  } else {
    const VType want = block ? VType::BlockDev : VType::CharDev;
    if ((*v)->type != want) {
      rc = -static_cast<int>(Error::INVAL);
    } else {
      if ((*v)->file_priv) static_cast<struct inode*>((*v)->file_priv)->i_unlinked = true;
      auto r = p->dir->ops->unlink(p->dir, p->last);
      if (!r) rc = -static_cast<int>(r.error());
    }
    vnode_put(*v);
  }
  vnode_put(p->dir);
  return rc;
}

struct inode* new_inode(mode_t mode, void* priv, bool block) {
  auto* ino = make<struct inode>();
  if (!ino) return nullptr;
  ino->i_mode = mode;
  ino->i_private = priv;
  ino->i_block = block;
  return ino;
}

}  // namespace

Result<Superblock*> devfs_instance() {
  tmpfs::Sb* sb = TRY(instance());
  return static_cast<Superblock*>(sb);
}

Result<Superblock*> devfs_mount(const char*, const void*) { return devfs_instance(); }

void devfs_reset() {
  LockGuard g(g_lock);
  if (!g_devfs || g_devfs->mount) return;
  g_tmpfs_kill(g_devfs);
  g_devfs = nullptr;
}

}  // namespace fs

extern "C" int register_driver(const char* path, const struct file_operations* fops, mode_t mode,
                               void* priv) {
  if (!fops) return -static_cast<int>(klib::Error::INVAL);
  struct inode* ino = fs::new_inode(mode, priv, false);
  if (!ino) return -static_cast<int>(klib::Error::NOMEM);
  ino->u.i_ops = fops;
  return fs::do_register(path, ino, false);
}

extern "C" int unregister_driver(const char* path) { return fs::do_unregister(path, false); }

extern "C" int register_blockdriver(const char* path, const struct block_operations* bops,
                                    mode_t mode, void* priv) {
  if (!bops) return -static_cast<int>(klib::Error::INVAL);
  struct inode* ino = fs::new_inode(mode, priv, true);
  if (!ino) return -static_cast<int>(klib::Error::NOMEM);
  ino->u.i_bops = bops;
  return fs::do_register(path, ino, true);
}

extern "C" int unregister_blockdriver(const char* path) { return fs::do_unregister(path, true); }
