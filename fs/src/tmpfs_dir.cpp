// tmpfs namespace operations: directory entries, lookup, create, links,
// rename, readdir and superblock lifetime. One lock per filesystem.
#include <fs/pipe.hpp>
#include <fs/tmpfs.hpp>

#include <atomic>

#include "tmpfs_internal.hpp"

namespace fs::tmpfs {
namespace {

using klib::Err;
using klib::Error;
using klib::Result;

std::atomic<std::uint64_t> g_next_dev{1};

void release(Vnode* v) {
  Node* n = node_of(v);
  Sb* sb = sb_of(v);
  if (sb && sb->node_release) sb->node_release(v);
  data_free(n);
  if (n->link) fs::free(n->link);
  Node* parent = n->parent;
  destroy(n);
  if (parent) vnode_put(parent);
}

bool is_empty_dir(const Node* n) { return n->entries == nullptr; }

Result<Vnode*> lookup(Vnode* dir, Name name) {
  Node* d = node_of(dir);
  LockGuard g(sb_of(dir)->lock);
  if (name.is(".")) return vnode_get(dir);
  if (name.is("..")) return vnode_get(d->parent ? d->parent : d);
  Dirent* e = find_locked(d, name);
  if (!e) return Err(Error::NOENT);
  return vnode_get(e->node);
}

Result<Vnode*> create_common(Vnode* dir, Name name, VType type, std::uint32_t perm) {
  if (!name_valid(name)) return Err(name.len > kNameMax ? Error::NAMETOOLONG : Error::INVAL);
  LockGuard g(sb_of(dir)->lock);
  if (dir->nlink == 0) return Err(Error::NOENT);  // removed directory
  if (find_locked(node_of(dir), name)) return Err(Error::EXIST);
  Node* n = TRY(make_node_locked(node_of(dir), name, type, perm));
  return static_cast<Vnode*>(n);
}

Result<Vnode*> create(Vnode* dir, Name name, std::uint32_t mode, std::uint64_t rdev) {
  const VType t = vtype_from_mode(mode);
  if (t == VType::None || t == VType::Directory || t == VType::Symlink) return Err(Error::INVAL);
  Vnode* v = TRY(create_common(dir, name, t, mode));
  v->rdev = rdev;
  return v;
}

Result<Vnode*> mkdir(Vnode* dir, Name name, std::uint32_t mode) {
  return create_common(dir, name, VType::Directory, mode);
}

Result<Vnode*> symlink(Vnode* dir, Name name, const char* target) {
  const std::size_t len = __builtin_strlen(target);
  if (len == 0) return Err(Error::NOENT);
  if (len >= kPathMax) return Err(Error::NAMETOOLONG);
  char* copy = static_cast<char*>(fs::alloc(len + 1));
  if (!copy) return Err(Error::NOMEM);
  __builtin_memcpy(copy, target, len + 1);
  auto v = create_common(dir, name, VType::Symlink, 0777);
  if (!v) {
    fs::free(copy);
    return v;
  }
  node_of(*v)->link = copy;
  (*v)->size = len;
  return v;
}

Result<void> link(Vnode* dir, Name name, Vnode* target) {
  if (target->type == VType::Directory) return Err(Error::PERM);
  if (!name_valid(name)) return Err(name.len > kNameMax ? Error::NAMETOOLONG : Error::INVAL);
  LockGuard g(sb_of(dir)->lock);
  if (dir->nlink == 0 || target->nlink == 0) return Err(Error::NOENT);
  Node* d = node_of(dir);
  if (find_locked(d, name)) return Err(Error::EXIST);
  auto* e = make<Dirent>();
  if (!e) return Err(Error::NOMEM);
  e->node = node_of(vnode_get(target));
  e->len = name.len;
  __builtin_memcpy(e->name, name.s, name.len);
  Dirent** p = &d->entries;
  while (*p) p = &(*p)->next;
  *p = e;
  ++target->nlink;
  vnode_touch(target, true);
  vnode_touch(dir, true);
  return klib::ok();
}

Result<void> unlink(Vnode* dir, Name name) {
  LockGuard g(sb_of(dir)->lock);
  Dirent* e = find_locked(node_of(dir), name);
  if (!e) return Err(Error::NOENT);
  if (e->node->type == VType::Directory) return Err(Error::ISDIR);
  remove_entry_locked(node_of(dir), name);
  return klib::ok();
}

Result<void> rmdir(Vnode* dir, Name name) {
  LockGuard g(sb_of(dir)->lock);
  Dirent* e = find_locked(node_of(dir), name);
  if (!e) return Err(Error::NOENT);
  if (e->node->type != VType::Directory) return Err(Error::NOTDIR);
  if (e->node->mounted_here) return Err(Error::BUSY);
  if (!is_empty_dir(e->node)) return Err(Error::NOTEMPTY);
  remove_entry_locked(node_of(dir), name);
  return klib::ok();
}

// True if `n` is `ancestor` or lies below it.
bool is_within(Node* n, Node* ancestor) {
  for (; n; n = n->parent)
    if (n == ancestor) return true;
  return false;
}

Result<void> rename(Vnode* from_dir, Name from, Vnode* to_dir, Name to) {
  if (!name_valid(to)) return Err(to.len > kNameMax ? Error::NAMETOOLONG : Error::INVAL);
  LockGuard g(sb_of(from_dir)->lock);
  Node* fd = node_of(from_dir);
  Node* td = node_of(to_dir);
  Dirent* src = find_locked(fd, from);
  if (!src) return Err(Error::NOENT);
  Node* moving = src->node;
  Dirent* dst = find_locked(td, to);
  if (dst && dst->node == moving) return klib::ok();  // same file: nothing to do
  if (moving->type == VType::Directory) {
    if (is_within(td, moving)) return Err(Error::INVAL);
    if (dst && dst->node->type != VType::Directory) return Err(Error::NOTDIR);
    if (dst && !is_empty_dir(dst->node)) return Err(Error::NOTEMPTY);
  } else if (dst && dst->node->type == VType::Directory) {
    return Err(Error::ISDIR);
  }
  if (td->nlink == 0) return Err(Error::NOENT);
  vnode_get(moving);  // keep it alive between unlinking and relinking
  if (dst) remove_entry_locked(td, to);
  // Re-find: removing dst may not move src, but keep it simple and safe.
  src = find_locked(fd, from);
  // Relink the dirent under its new name instead of reallocating it.
  Dirent** p = &fd->entries;
  while (*p != src) p = &(*p)->next;
  *p = src->next;
  src->next = nullptr;
  src->len = to.len;
  __builtin_memcpy(src->name, to.s, to.len);
  src->name[to.len] = '\0';
  p = &td->entries;
  while (*p) p = &(*p)->next;
  *p = src;
  if (moving->type == VType::Directory && fd != td) {
    --fd->nlink;
    ++td->nlink;
    Node* old_parent = moving->parent;
    moving->parent = node_of(vnode_get(td));
    vnode_put(old_parent);  // never the last reference: fd is still referenced
  }
  vnode_touch(from_dir, true);
  vnode_touch(to_dir, true);
  vnode_put(moving);
  return klib::ok();
}

Result<std::size_t> readlink(Vnode* v, char* buf, std::size_t cap) {
  if (v->type != VType::Symlink) return Err(Error::INVAL);
  LockGuard g(sb_of(v)->lock);
  std::size_t n = __builtin_strlen(node_of(v)->link);
  if (n > cap) n = cap;
  __builtin_memcpy(buf, node_of(v)->link, n);
  return n;
}

Result<bool> readdir(Vnode* dir, std::uint64_t* cookie, DirEntry* out) {
  if (dir->type != VType::Directory) return Err(Error::NOTDIR);
  Node* d = node_of(dir);
  LockGuard g(sb_of(dir)->lock);
  if (*cookie < 2) {
    const bool dot = *cookie == 0;
    Node* n = dot || !d->parent ? d : d->parent;
    out->ino = n->ino;
    out->type = VType::Directory;
    out->name[0] = '.';
    out->name[1] = dot ? '\0' : '.';
    out->name[2] = '\0';
    ++*cookie;
    return true;
  }
  Dirent* e = d->entries;
  for (std::uint64_t i = 2; e && i < *cookie; ++i) e = e->next;
  if (!e) return false;
  out->ino = e->node->ino;
  out->type = e->node->type;
  __builtin_memcpy(out->name, e->name, e->len + 1);
  ++*cookie;
  return true;
}

Result<void> setattr(Vnode* v, const SetAttr& a) {
  LockGuard g(sb_of(v)->lock);
  if (a.mask & SetAttr::kMode) v->mode = (v->mode & mode::IFMT) | (a.mode & mode::PERM);
  if (a.mask & SetAttr::kUid) v->uid = a.uid;
  if (a.mask & SetAttr::kGid) v->gid = a.gid;
  if (a.mask & SetAttr::kAtime) v->atime = a.atime;
  if (a.mask & SetAttr::kMtime) v->mtime = a.mtime;
  return klib::ok();
}

Result<void> truncate(Vnode* v, std::uint64_t size) {
  if (v->type == VType::Directory) return Err(Error::ISDIR);
  if (v->type != VType::Regular) return Err(Error::INVAL);
  LockGuard g(sb_of(v)->lock);
  return data_truncate(node_of(v), size);
}

// Removes every entry below `d` (lock held), for umount.
void clear_tree(Node* d) {
  while (Dirent* e = d->entries) {
    if (e->node->type == VType::Directory) clear_tree(e->node);
    remove_entry_locked(d, Name{e->name, e->len});
  }
}

void kill(Superblock* s) {
  Sb* sb = static_cast<Sb*>(s);
  Node* root = node_of(sb->root);
  {
    LockGuard g(sb->lock);
    clear_tree(root);
  }
  vnode_put(root);
  destroy(sb);
}

}  // namespace

const VnodeOps kOps = {lookup, create,   mkdir,   symlink, link,     unlink, rmdir,
                       rename, readlink, readdir, setattr, truncate, release};

Dirent* find_locked(Node* dir, Name name) {
  for (Dirent* e = dir->entries; e; e = e->next)
    if (e->len == name.len && __builtin_memcmp(e->name, name.s, name.len) == 0) return e;
  return nullptr;
}

void remove_entry_locked(Node* dir, Name name) {
  for (Dirent** p = &dir->entries; *p; p = &(*p)->next) {
    Dirent* e = *p;
    if (e->len != name.len || __builtin_memcmp(e->name, name.s, name.len) != 0) continue;
    *p = e->next;
    Node* n = e->node;
    if (n->type == VType::Directory) {
      n->nlink = 0;
      --dir->nlink;
    } else {
      --n->nlink;
    }
    vnode_touch(n, true);
    vnode_touch(dir, true);
    destroy(e);
    vnode_put(n);
    return;
  }
}

Result<Node*> make_node_locked(Node* dir, Name name, VType type, std::uint32_t perm) {
  Sb* sb = sb_of(dir);
  auto* n = make<Node>();
  auto* e = make<Dirent>();
  if (!n || !e) {
    destroy(n);
    destroy(e);
    return Err(Error::NOMEM);
  }
  vnode_init(n, sb, type, perm, sb->next_ino++);
  n->ops = &kOps;
  if (type == VType::Directory) {
    n->nlink = 2;
    n->fops = &kDirOps;
    n->parent = node_of(vnode_get(dir));
    ++dir->nlink;
  } else if (type == VType::Regular) {
    n->fops = &kFileOps;
  } else if (type == VType::Fifo) {
    n->fops = &kFifoFileOps;
  }
  e->node = node_of(vnode_get(n));  // the entry's reference; the caller keeps n's first
  e->len = name.len;
  __builtin_memcpy(e->name, name.s, name.len);
  Dirent** p = &dir->entries;
  while (*p) p = &(*p)->next;
  *p = e;
  vnode_touch(dir, true);
  return n;
}

Result<Sb*> create_sb(const char* fstype) {
  auto* sb = make<Sb>();
  auto* root = make<Node>();
  if (!sb || !root) {
    destroy(sb);
    destroy(root);
    return Err(Error::NOMEM);
  }
  sb->fstype = fstype;
  sb->dev = g_next_dev.fetch_add(1, std::memory_order_relaxed);
  sb->kill = kill;
  vnode_init(root, sb, VType::Directory, 0755, sb->next_ino++);
  root->nlink = 2;
  root->ops = &kOps;
  root->fops = &kDirOps;
  sb->root = root;
  return sb;
}

}  // namespace fs::tmpfs

namespace fs {

klib::Result<Superblock*> tmpfs_create() {
  tmpfs::Sb* sb = TRY(tmpfs::create_sb("tmpfs"));
  return static_cast<Superblock*>(sb);
}

klib::Result<Superblock*> tmpfs_mount(const char*, const void*) { return tmpfs_create(); }

}  // namespace fs
