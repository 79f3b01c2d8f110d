// The mount table and the filesystem type registry. One lock serialises
// mount, umount and table walks; path walks read Vnode::mounted_here without
// it (a pointer store is atomic enough for a covered directory that, while
// mounted on, holds a reference and cannot go away).
#include <fs/devfs.hpp>
#include <fs/mount.hpp>
#include <fs/path.hpp>
#include <fs/platform.hpp>
#include <fs/procfs.hpp>
#include <fs/tmpfs.hpp>

namespace fs {
namespace {

struct FsType {
  const char* name;
  MountFn fn;
};

Lock g_lock;
Mount* g_mounts = nullptr;  // mount order
Mount* g_root = nullptr;
// procfs is left out of kernels configured without it (FUSION_PROCFS).
#if !defined(FUSION_CONFIG_PROCFS) || FUSION_CONFIG_PROCFS
FsType g_types[8] = {{"tmpfs", tmpfs_mount}, {"devfs", devfs_mount}, {"procfs", procfs_mount}};
#else
FsType g_types[8] = {{"tmpfs", tmpfs_mount}, {"devfs", devfs_mount}};
#endif

bool str_eq(const char* a, const char* b) { return __builtin_strcmp(a, b) == 0; }

void copy_str(char* dst, std::size_t cap, const char* src) {
  std::size_t i = 0;
  for (; src && src[i] && i + 1 < cap; ++i) dst[i] = src[i];
  dst[i] = '\0';
}

MountFn find_type(const char* name) {
  for (auto& t : g_types)
    if (t.name && str_eq(t.name, name)) return t.fn;
  return nullptr;
}

void append_mount(Mount* m) {
  Mount** p = &g_mounts;
  while (*p) p = &(*p)->next;
  *p = m;
}

void unlink_mount(Mount* m) {
  for (Mount** p = &g_mounts; *p; p = &(*p)->next)
    if (*p == m) {
      *p = m->next;
      return;
    }
}

bool has_children(const Mount* m) {
  for (Mount* c = g_mounts; c; c = c->next)
    if (c->parent == m) return true;
  return false;
}

// Detaches `m` (lock held); the superblock dies if its type says so.
void detach(Mount* m) {
  unlink_mount(m);
  if (m->covered) {
    m->covered->mounted_here = nullptr;
    vnode_put(m->covered);
  } else {
    g_root = nullptr;
  }
  Superblock* sb = m->sb;
  sb->mount = nullptr;
  destroy(m);
  if (sb->kill) sb->kill(sb);
}

}  // namespace

void sb_pin(Superblock* sb) { sb->pins.fetch_add(1, std::memory_order_relaxed); }
void sb_unpin(Superblock* sb) { sb->pins.fetch_sub(1, std::memory_order_release); }

klib::Result<void> register_fstype(const char* name, MountFn fn) {
  LockGuard g(g_lock);
  if (find_type(name)) return klib::Err(klib::Error::EXIST);
  for (auto& t : g_types)
    if (!t.name) {
      t = {name, fn};
      return klib::ok();
    }
  return klib::Err(klib::Error::NOMEM);
}

klib::Result<void> mount(const FsContext& ctx, const char* source, const char* target,
                         const char* fstype, const void* data) {
  MountFn fn;
  {
    LockGuard g(g_lock);
    fn = find_type(fstype);
  }
  if (!fn) return klib::Err(klib::Error::NODEV);
  Superblock* sb = TRY(fn(source, data));
  auto r = mount_sb(ctx, sb, source, target);
  if (!r && sb->kill && !sb->mount) sb->kill(sb);
  return r;
}

klib::Result<void> mount_sb(const FsContext& ctx, Superblock* sb, const char* source,
                            const char* target) {
  if (!target || !sb->root) return klib::Err(klib::Error::INVAL);
  auto* m = make<Mount>();
  if (!m) return klib::Err(klib::Error::NOMEM);
  m->sb = sb;
  copy_str(m->source, sizeof m->source, source ? source : sb->fstype);
  LockGuard g(g_lock);
  if (sb->mount) {
    destroy(m);
    return klib::Err(klib::Error::BUSY);
  }
  if (!g_root) {
    if (!str_eq(target, "/")) {
      destroy(m);
      return klib::Err(klib::Error::NOENT);
    }
    copy_str(m->path, sizeof m->path, "/");
    g_root = m;
  } else {
    // The walk may need the table lock (procfs /proc/mounts does not, but a
    // walk through our own lookups never does either): safe to hold it.
    auto dir = resolve(ctx, target, kFollow | kMustDir);
    if (!dir) {
      destroy(m);
      return klib::Err(dir.error());
    }
    Vnode* d = *dir;
    if (d->mounted_here) {  // the walk crosses mounts, so only a racing mount
      vnode_put(d);
      destroy(m);
      return klib::Err(klib::Error::BUSY);
    }
    auto p = dir_path(ctx, d, m->path, sizeof m->path);
    if (!p) copy_str(m->path, sizeof m->path, target);
    m->covered = d;  // keeps the walk's reference
    m->parent = d->sb ? d->sb->mount : nullptr;
    d->mounted_here = m;
  }
  sb->mount = m;
  append_mount(m);
  return klib::ok();
}

klib::Result<void> umount(const FsContext& ctx, const char* target) {
  Vnode* v = TRY(resolve(ctx, target, kFollow));
  LockGuard g(g_lock);
  Mount* m = mount_rooted_at(v);
  vnode_put(v);
  if (!m) return klib::Err(klib::Error::INVAL);
  if (m == g_root || has_children(m) || m->sb->pins.load(std::memory_order_acquire) > 0)
    return klib::Err(klib::Error::BUSY);
  detach(m);
  return klib::ok();
}

Vnode* root_vnode() {
  Mount* r = g_root;
  return r ? vnode_get(r->sb->root) : nullptr;
}

Mount* mount_rooted_at(const Vnode* v) {
  if (!v || !v->sb || v->sb->root != v) return nullptr;
  return v->sb->mount;
}

void for_each_mount(void (*fn)(const Mount& m, void* ctx), void* ctx) {
  LockGuard g(g_lock);
  for (Mount* m = g_mounts; m; m = m->next) fn(*m, ctx);
}

klib::Result<void> unmount_all() {
  LockGuard g(g_lock);
  for (Mount* m = g_mounts; m; m = m->next)
    if (m->sb->pins.load(std::memory_order_acquire) > 0) return klib::Err(klib::Error::BUSY);
  // Children first: the list is in mount order, so detach from the back.
  while (g_mounts) {
    Mount* last = g_mounts;
    while (last->next) last = last->next;
    detach(last);
  }
  return klib::ok();
}

}  // namespace fs
