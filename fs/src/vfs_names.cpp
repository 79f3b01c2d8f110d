// Syscall helpers on path names: stat, mkdir, rmdir, unlink, rename, link,
// symlink, readlink, mknod/mkfifo, truncate, chmod, chdir, getcwd. The
// POSIX rules for ".", ".." and trailing slashes live here, so filesystems
// only ever see plain names.
#include <fs/vfs.hpp>

#include <cstring>

namespace fs {

using klib::Err;
using klib::Error;
using klib::Result;

namespace {

// The parent of path's last component, released on scope exit.
class ParentRef {
 public:
  explicit ParentRef(Parent p) : p_(p) {}
  ~ParentRef() { vnode_put(p_.dir); }
  ParentRef(const ParentRef&) = delete;
  ParentRef& operator=(const ParentRef&) = delete;
  Vnode* dir() const { return p_.dir; }
  Name last() const { return p_.last; }
  bool trailing() const { return p_.trailing_slash; }
  bool dotted() const { return p_.last.is(".") || p_.last.is(".."); }
  bool is_root() const { return p_.last.len == 0; }

 private:
  Parent p_;
};

class VnodeRef {
 public:
  explicit VnodeRef(Vnode* v) : v_(v) {}
  ~VnodeRef() { vnode_put(v_); }
  VnodeRef(const VnodeRef&) = delete;
  VnodeRef& operator=(const VnodeRef&) = delete;
  Vnode* operator->() const { return v_; }
  Vnode* get() const { return v_; }

 private:
  Vnode* v_;
};

// The type of the existing entry `name` in dir, without crossing mounts.
Result<VType> entry_type(Vnode* dir, Name name) {
  Vnode* v = TRY(dir->ops->lookup(dir, name));
  const VType t = v->type;
  vnode_put(v);
  return t;
}

Result<void> make_node(const FsContext& ctx, const char* path, std::uint32_t mode,
                       std::uint64_t rdev) {
  ParentRef p(TRY(resolve_parent(ctx, path)));
  if (p.is_root() || p.dotted()) return Err(Error::EXIST);
  if (p.trailing()) return Err(entry_type(p.dir(), p.last()) ? Error::EXIST : Error::NOENT);
  if (!p.dir()->ops->create) return Err(Error::PERM);
  const std::uint32_t m = (mode & mode::IFMT) | (mode & ~ctx.umask & mode::PERM);
  vnode_put(TRY(p.dir()->ops->create(p.dir(), p.last(), m, rdev)));
  return klib::ok();
}

}  // namespace

Result<Stat> stat(const FsContext& ctx, const char* path) {
  VnodeRef v(TRY(resolve(ctx, path, kFollow)));
  return vnode_stat(v.get());
}

Result<Stat> lstat(const FsContext& ctx, const char* path) {
  VnodeRef v(TRY(resolve(ctx, path, 0)));
  return vnode_stat(v.get());
}

Result<void> mkdir(const FsContext& ctx, const char* path, std::uint32_t mode) {
  ParentRef p(TRY(resolve_parent(ctx, path)));
  if (p.is_root() || p.dotted()) return Err(Error::EXIST);
  if (!p.dir()->ops->mkdir) return Err(Error::PERM);
  vnode_put(TRY(p.dir()->ops->mkdir(p.dir(), p.last(), mode & ~ctx.umask & 0777)));
  return klib::ok();
}

Result<void> rmdir(const FsContext& ctx, const char* path) {
  ParentRef p(TRY(resolve_parent(ctx, path)));
  if (p.is_root()) return Err(Error::BUSY);
  if (p.last().is(".")) return Err(Error::INVAL);
  if (p.last().is("..")) return Err(Error::NOTEMPTY);
  if (!p.dir()->ops->rmdir) return Err(Error::PERM);
  return p.dir()->ops->rmdir(p.dir(), p.last());
}

Result<void> unlink(const FsContext& ctx, const char* path) {
  ParentRef p(TRY(resolve_parent(ctx, path)));
  if (p.is_root() || p.dotted()) return Err(Error::ISDIR);
  if (p.trailing()) {
    const VType t = TRY(entry_type(p.dir(), p.last()));
    return Err(t == VType::Directory ? Error::ISDIR : Error::NOTDIR);
  }
  if (!p.dir()->ops->unlink) return Err(Error::PERM);
  return p.dir()->ops->unlink(p.dir(), p.last());
}

Result<void> rename(const FsContext& ctx, const char* from, const char* to) {
  ParentRef a(TRY(resolve_parent(ctx, from)));
  ParentRef b(TRY(resolve_parent(ctx, to)));
  if (a.is_root() || b.is_root() || a.dotted() || b.dotted()) return Err(Error::BUSY);
  const VType t = TRY(entry_type(a.dir(), a.last()));
  if (t != VType::Directory && (a.trailing() || b.trailing())) return Err(Error::NOTDIR);
  if (a.dir()->sb != b.dir()->sb) return Err(Error::XDEV);
  if (!a.dir()->ops->rename) return Err(Error::PERM);
  return a.dir()->ops->rename(a.dir(), a.last(), b.dir(), b.last());
}

Result<void> link(const FsContext& ctx, const char* existing, const char* path) {
  VnodeRef v(TRY(resolve(ctx, existing, 0)));
  ParentRef p(TRY(resolve_parent(ctx, path)));
  if (p.is_root() || p.dotted()) return Err(Error::EXIST);
  if (v->type == VType::Directory) return Err(Error::PERM);
  if (p.trailing()) return Err(Error::NOENT);
  if (v->sb != p.dir()->sb) return Err(Error::XDEV);
  if (!p.dir()->ops->link) return Err(Error::PERM);
  return p.dir()->ops->link(p.dir(), p.last(), v.get());
}

Result<void> symlink(const FsContext& ctx, const char* target, const char* path) {
  if (!target) return Err(Error::FAULT);
  if (!*target) return Err(Error::NOENT);
  if (strnlen(target, kPathMax) >= kPathMax) return Err(Error::NAMETOOLONG);
  ParentRef p(TRY(resolve_parent(ctx, path)));
  if (p.is_root() || p.dotted()) return Err(Error::EXIST);
  if (p.trailing()) return Err(entry_type(p.dir(), p.last()) ? Error::EXIST : Error::NOENT);
  if (!p.dir()->ops->symlink) return Err(Error::PERM);
  vnode_put(TRY(p.dir()->ops->symlink(p.dir(), p.last(), target)));
  return klib::ok();
}

Result<std::size_t> readlink(const FsContext& ctx, const char* path, char* buf, std::size_t cap) {
  if (cap == 0) return Err(Error::INVAL);
  VnodeRef v(TRY(resolve(ctx, path, 0)));
  if (v->type != VType::Symlink || !v->ops->readlink) return Err(Error::INVAL);
  return v->ops->readlink(v.get(), buf, cap);
}

Result<void> mknod(const FsContext& ctx, const char* path, std::uint32_t mode, std::uint64_t rdev) {
  const VType t = vtype_from_mode(mode);
  if (t == VType::Directory || t == VType::Symlink) return Err(Error::INVAL);
  if (t == VType::None) mode |= mode::IFREG;  // mknod(2): 0 means a regular file
  return make_node(ctx, path, mode, rdev);
}

Result<void> mkfifo(const FsContext& ctx, const char* path, std::uint32_t mode) {
  return make_node(ctx, path, mode::IFIFO | (mode & mode::PERM), 0);
}

Result<void> truncate(const FsContext& ctx, const char* path, std::int64_t size) {
  if (size < 0) return Err(Error::INVAL);
  VnodeRef v(TRY(resolve(ctx, path, kFollow)));
  if (v->type == VType::Directory) return Err(Error::ISDIR);
  if (v->type != VType::Regular || !v->ops->truncate) return Err(Error::INVAL);
  return v->ops->truncate(v.get(), static_cast<std::uint64_t>(size));
}

Result<void> chmod(const FsContext& ctx, const char* path, std::uint32_t m) {
  VnodeRef v(TRY(resolve(ctx, path, kFollow)));
  if (!v->ops->setattr) return Err(Error::PERM);
  SetAttr a;
  a.mask = SetAttr::kMode;
  a.mode = m & mode::PERM;
  return v->ops->setattr(v.get(), a);
}

Result<void> chdir(FsContext& ctx, const char* path) {
  VnodeRef v(TRY(resolve(ctx, path, kFollow | kMustDir)));
  context_set_cwd(ctx, v.get());
  return klib::ok();
}

Result<std::size_t> getcwd(const FsContext& ctx, char* buf, std::size_t cap) {
  if (!buf) return Err(Error::FAULT);
  if (ctx.cwd) return dir_path(ctx, ctx.cwd, buf, cap);
  if (cap < 2) return Err(Error::RANGE);
  buf[0] = '/';
  buf[1] = '\0';
  return std::size_t{1};
}

}  // namespace fs
