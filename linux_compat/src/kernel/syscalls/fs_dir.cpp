// Names and directories: getdents64, getcwd, chdir/fchdir, mkdirat,
// mknodat, renameat2, symlinkat, readlinkat, linkat, faccessat(2),
// fchmod(at), fchown(at), utimensat and umask, over the shared VFS. Every
// path is copied in first (EFAULT, ENAMETOOLONG), flags are checked against
// what Linux accepts (EINVAL), descriptors before buffers (EBADF first).
#include <fs/vfs.hpp>
#include <kernel/process.hpp>
#include <mm/heap.hpp>
#include <mm/usercopy.hpp>
#include <sched/sched.hpp>

#include "../linux_process.hpp"
#include "fs_common.hpp"
#include "syscalls.hpp"

namespace linux_compat {
namespace {

using klib::Error;

// struct linux_dirent64's fixed part: d_ino, d_off, d_reclen, d_type.
constexpr std::size_t kDirentHeader = 19;

const kernel::Credentials& cred() { return kernel::current_process()->cred; }

// The vnode a *at() call names: path relative to dirfd; an empty path with
// AT_EMPTY_PATH is dirfd itself. `follow`: a final symlink is followed.
klib::Result<fs::Vnode*> at_vnode(int dirfd, std::uintptr_t upath, int flags, bool follow,
                                  AtPath* ap) {
  if (!ap->path.p) return klib::Err(Error::NOMEM);
  TRY(get_path(upath, ap->path.p));
  if (ap->path.p[0] == '\0') {
    if (!(flags & kAtEmptyPath)) return klib::Err(Error::NOENT);
    if (dirfd == kAtFdcwd) {
      fs::FsContext& ctx = files();
      return ctx.cwd ? fs::vnode_get(ctx.cwd) : fs::resolve(ctx, "/", fs::kFollow);
    }
    FileRef ref;
    TRY(get_file(dirfd, &ref));
    return fs::vnode_get(ref.f->vnode);
  }
  TRY(at_context(dirfd, ap->path.p, &ap->at));
  return fs::resolve(ap->at.ctx, ap->path.p, follow ? unsigned{fs::kFollow} : 0u);
}

struct VnodeHold {
  fs::Vnode* v = nullptr;
  VnodeHold() = default;
  VnodeHold(const VnodeHold&) = delete;
  VnodeHold& operator=(const VnodeHold&) = delete;
  ~VnodeHold() {
    if (v) fs::vnode_put(v);
  }
};

long setattr(fs::Vnode* v, const fs::SetAttr& attr) {
  if (!v->ops || !v->ops->setattr) return err(Error::PERM);
  return ret(v->ops->setattr(v, attr));
}

// Permission check as the kernel's generic_permission does it for the
// caller's (effective or real) ids: root passes read and write always and
// execute when anyone may execute; others get the owner, group or other bits.
bool may_access(const fs::Stat& s, unsigned want, std::uint32_t uid, std::uint32_t gid) {
  if (uid == 0) {
    if (!(want & 1)) return true;
    return (s.mode & fs::mode::IFMT) == fs::mode::IFDIR || (s.mode & 0111);
  }
  unsigned bits = s.mode & 7;
  if (s.uid == uid)
    bits = (s.mode >> 6) & 7;
  else if (s.gid == gid)
    bits = (s.mode >> 3) & 7;
  return (bits & want) == want;
}

long faccess(const Args& a, int flags) {
  const int dirfd = static_cast<int>(a.a[0]);
  const unsigned mode = static_cast<unsigned>(a.a[2]);
  if (mode & ~7u) return err(Error::INVAL);
  if (flags & ~(kAtEaccess | kAtSymlinkNofollow | kAtEmptyPath)) return err(Error::INVAL);
  AtPath ap;
  VnodeHold v;
  auto r = at_vnode(dirfd, a.a[1], flags, !(flags & kAtSymlinkNofollow), &ap);
  if (!r.ok()) return fail(r);
  v.v = *r;
  if (mode == 0) return 0;  // F_OK: it exists
  const fs::Stat s = fs::vnode_stat(v.v);
  const kernel::Credentials& c = cred();
  const bool effective = flags & kAtEaccess;
  return may_access(s, mode, effective ? c.euid : c.uid, effective ? c.egid : c.gid)
             ? 0
             : err(Error::ACCES);
}

long fchown_vnode(fs::Vnode* v, std::uint32_t uid, std::uint32_t gid) {
  fs::SetAttr attr;
  if (uid != ~0u) attr.mask |= fs::SetAttr::kUid;
  if (gid != ~0u) attr.mask |= fs::SetAttr::kGid;
  attr.uid = uid;
  attr.gid = gid;
  if (attr.mask == 0) return 0;
  // Only root changes owners here (no CAP_CHOWN short of uid 0).
  if (cred().euid != 0) return err(Error::PERM);
  return setattr(v, attr);
}

constexpr std::int64_t kUtimeNow = (1 << 30) - 1, kUtimeOmit = (1 << 30) - 2;

fs::Timespec now() {
  const std::uint64_t ns = sched::uptime_ns();  // CLOCK_REALTIME (time.cpp)
  return {static_cast<std::int64_t>(ns / 1000000000), static_cast<std::int64_t>(ns % 1000000000)};
}

// The two-path calls (renameat2, linkat) walk both paths in one context:
// the second becomes absolute when its directory is not that context's.
long make_absolute(AtPath* ap, const fs::FsContext& walked_in) {
  char* p = ap->path.p;
  if (p[0] == '/' || ap->at.ctx.cwd == walked_in.cwd) return 0;
  PathBuf dir;
  if (!dir.p) return err(Error::NOMEM);
  std::size_t n = 0;  // the root's path is "" here: "/" is added below
  if (ap->at.ctx.cwd) {
    auto r = fs::dir_path(ap->at.ctx, ap->at.ctx.cwd, dir.p, fs::kPathMax);
    if (!r.ok()) return fail(r);
    n = *r;
    if (n == 1) n = 0;  // "/"
  }
  const std::size_t len = __builtin_strlen(p);
  if (n + 1 + len + 1 > fs::kPathMax) return err(Error::NAMETOOLONG);
  __builtin_memmove(p + n + 1, p, len + 1);
  __builtin_memcpy(p, dir.p, n);
  p[n] = '/';
  return 0;
}

}  // namespace

long sys_getdents64(const Args& a) {
  FileRef ref;
  if (auto r = get_file(static_cast<int>(a.a[0]), &ref); !r.ok()) return ret(r);
  const std::uintptr_t ubuf = a.a[1];
  const std::size_t cap = a.a[2] < kBounce ? a.a[2] : kBounce;
  fs::Vnode* v = ref.f->vnode;
  if (v->type != fs::VType::Directory || !v->ops->readdir) return err(Error::NOTDIR);
  if (!mm::user_range_ok(ubuf, cap)) return err(Error::FAULT);
  Bounce b;
  auto* e = static_cast<fs::DirEntry*>(mm::kmalloc(sizeof(fs::DirEntry)));
  if (!b.p || !e) {
    mm::kfree(e);
    return err(Error::NOMEM);
  }
  std::size_t used = 0;
  long result = 0;
  for (;;) {
    // The position moves only once the entry is in the buffer, so an entry
    // that does not fit is returned by the next call.
    std::uint64_t cookie = ref.f->pos;
    auto more = v->ops->readdir(v, &cookie, e);
    if (!more.ok()) {
      result = used ? 0 : fail(more);
      break;
    }
    if (!*more) break;
    const std::size_t len = __builtin_strlen(e->name);
    const std::size_t reclen = (kDirentHeader + len + 1 + 7) & ~std::size_t{7};
    if (used + reclen > cap) {
      if (used == 0) result = err(Error::INVAL);  // buffer too small for one entry
      break;
    }
    unsigned char* d = b.p + used;
    __builtin_memset(d, 0, reclen);
    const std::int64_t off = static_cast<std::int64_t>(cookie);
    const auto rl = static_cast<std::uint16_t>(reclen);
    __builtin_memcpy(d, &e->ino, 8);
    __builtin_memcpy(d + 8, &off, 8);
    __builtin_memcpy(d + 16, &rl, 2);
    d[18] = fs::dirent_type(e->type);
    __builtin_memcpy(d + kDirentHeader, e->name, len);
    used += reclen;
    ref.f->pos = cookie;
  }
  mm::kfree(e);
  if (result < 0) return result;
  if (used && !mm::copy_to_user(ubuf, b.p, used).ok()) return err(Error::FAULT);
  return static_cast<long>(used);
}

long sys_getcwd(const Args& a) {
  const std::size_t size = a.a[1];
  if (size == 0) return err(Error::RANGE);
  PathBuf buf;
  if (!buf.p) return err(Error::NOMEM);
  auto n = fs::getcwd(files(), buf.p, fs::kPathMax);
  if (!n.ok()) return fail(n);
  if (*n + 1 > size) return err(Error::RANGE);
  if (!mm::copy_to_user(a.a[0], buf.p, *n + 1).ok()) return err(Error::FAULT);
  return static_cast<long>(*n + 1);  // the kernel's getcwd returns the length with the NUL
}

long sys_chdir(const Args& a) {
  PathBuf path;
  if (!path.p) return err(Error::NOMEM);
  if (auto r = get_path(a.a[0], path.p); !r.ok()) return ret(r);
  return ret(fs::chdir(files(), path.p));
}

long sys_fchdir(const Args& a) { return ret(fs::fchdir(files(), static_cast<int>(a.a[0]))); }

long sys_mkdirat(const Args& a) {
  AtPath ap;
  if (long r = ap.load(static_cast<int>(a.a[0]), a.a[1])) return r;
  return ret(fs::mkdir(ap.at.ctx, ap.path.p, static_cast<std::uint32_t>(a.a[2]) & 07777));
}

long sys_mknodat(const Args& a) {
  AtPath ap;
  if (long r = ap.load(static_cast<int>(a.a[0]), a.a[1])) return r;
  auto mode = static_cast<std::uint32_t>(a.a[2]);  // the VFS applies the umask
  const std::uint32_t type = mode & fs::mode::IFMT;
  switch (type) {
    case 0:
      mode |= fs::mode::IFREG;
      [[fallthrough]];
    case fs::mode::IFREG:
    case fs::mode::IFIFO:
      return ret(fs::mknod(ap.at.ctx, ap.path.p, mode, 0));
    case fs::mode::IFCHR:
    case fs::mode::IFBLK:
      if (cred().euid != 0) return err(Error::PERM);
      return ret(fs::mknod(ap.at.ctx, ap.path.p, mode, a.a[3]));
    default:
      return err(Error::INVAL);  // sockets and directories (mkdir) are not made here
  }
}

long sys_renameat2(const Args& a) {
  constexpr unsigned kNoreplace = 1, kExchange = 2, kWhiteout = 4;
  const auto flags = static_cast<unsigned>(a.a[4]);
  if (flags & ~(kNoreplace | kExchange | kWhiteout)) return err(Error::INVAL);
  if ((flags & kExchange) && (flags & (kNoreplace | kWhiteout))) return err(Error::INVAL);
  AtPath from, to;
  if (long r = from.load(static_cast<int>(a.a[0]), a.a[1])) return r;
  if (long r = to.load(static_cast<int>(a.a[2]), a.a[3])) return r;
  // The VFS renames atomically-replacing only: no exchange or whiteouts.
  if (flags & (kExchange | kWhiteout)) return err(Error::INVAL);
  if (flags & kNoreplace) {
    auto s = fs::lstat(to.at.ctx, to.path.p);
    if (s.ok()) return err(Error::EXIST);
    if (s.error() != Error::NOENT) return fail(s);
  }
  if (long r = make_absolute(&to, from.at.ctx)) return r;
  return ret(fs::rename(from.at.ctx, from.path.p, to.path.p));
}

long sys_renameat(const Args& a) {
  Args b = a;
  b.a[4] = 0;
  return sys_renameat2(b);
}

long sys_symlinkat(const Args& a) {
  PathBuf target;
  if (!target.p) return err(Error::NOMEM);
  if (auto r = get_path(a.a[0], target.p); !r.ok()) return ret(r);
  AtPath ap;
  if (long r = ap.load(static_cast<int>(a.a[1]), a.a[2])) return r;
  return ret(fs::symlink(ap.at.ctx, target.p, ap.path.p));
}

long sys_readlinkat(const Args& a) {
  const int size = static_cast<int>(a.a[3]);  // int bufsiz
  if (size <= 0) return err(Error::INVAL);
  AtPath ap;
  if (long r = ap.load(static_cast<int>(a.a[0]), a.a[1])) return r;
  PathBuf buf;
  if (!buf.p) return err(Error::NOMEM);
  auto n = fs::readlink(ap.at.ctx, ap.path.p, buf.p, fs::kPathMax);
  if (!n.ok()) return fail(n);
  const std::size_t len = *n < static_cast<std::size_t>(size) ? *n : static_cast<std::size_t>(size);
  if (!mm::copy_to_user(a.a[2], buf.p, len).ok()) return err(Error::FAULT);
  return static_cast<long>(len);
}

long sys_linkat(const Args& a) {
  const int flags = static_cast<int>(a.a[4]);
  if (flags & ~(kAtSymlinkFollow | kAtEmptyPath)) return err(Error::INVAL);
  AtPath from, to;
  if (long r = from.load(static_cast<int>(a.a[0]), a.a[1])) return r;
  if (long r = to.load(static_cast<int>(a.a[2]), a.a[3])) return r;
  if (from.path.p[0] == '\0') return err(Error::NOENT);  // AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH
  // fs::link does not follow a final symlink (Linux's default); with
  // AT_SYMLINK_FOLLOW the link is made to what it points at.
  if (flags & kAtSymlinkFollow) {
    VnodeHold v;
    auto r = fs::resolve(from.at.ctx, from.path.p, fs::kFollow);
    if (!r.ok()) return fail(r);
    v.v = *r;
    auto p = fs::resolve_parent(to.at.ctx, to.path.p);
    if (!p.ok()) return fail(p);
    VnodeHold dir;
    dir.v = p->dir;
    if (p->last.len == 0 || p->last.is(".") || p->last.is("..")) return err(Error::EXIST);
    if (v.v->type == fs::VType::Directory) return err(Error::PERM);
    if (v.v->sb != dir.v->sb) return err(Error::XDEV);
    if (!dir.v->ops->link) return err(Error::PERM);
    return ret(dir.v->ops->link(dir.v, p->last, v.v));
  }
  if (long r = make_absolute(&to, from.at.ctx)) return r;
  return ret(fs::link(from.at.ctx, from.path.p, to.path.p));
}

long sys_truncate(const Args& a) {
  PathBuf path;
  if (!path.p) return err(Error::NOMEM);
  if (auto r = get_path(a.a[0], path.p); !r.ok()) return ret(r);
  const auto len = static_cast<std::int64_t>(a.a[1]);
  if (len < 0) return err(Error::INVAL);
  return ret(fs::truncate(files(), path.p, len));
}

long sys_faccessat(const Args& a) { return faccess(a, 0); }
long sys_faccessat2(const Args& a) { return faccess(a, static_cast<int>(a.a[3])); }

long sys_fchmod(const Args& a) {
  FileRef ref;
  if (auto r = get_file(static_cast<int>(a.a[0]), &ref); !r.ok()) return ret(r);
  fs::SetAttr attr;
  attr.mask = fs::SetAttr::kMode;
  attr.mode = static_cast<std::uint32_t>(a.a[1]) & fs::mode::PERM;
  return setattr(ref.f->vnode, attr);
}

long sys_fchmodat(const Args& a) {
  AtPath ap;
  VnodeHold v;
  auto r = at_vnode(static_cast<int>(a.a[0]), a.a[1], 0, true, &ap);
  if (!r.ok()) return fail(r);
  v.v = *r;
  fs::SetAttr attr;
  attr.mask = fs::SetAttr::kMode;
  attr.mode = static_cast<std::uint32_t>(a.a[2]) & fs::mode::PERM;
  return setattr(v.v, attr);
}

long sys_fchown(const Args& a) {
  FileRef ref;
  if (auto r = get_file(static_cast<int>(a.a[0]), &ref); !r.ok()) return ret(r);
  return fchown_vnode(ref.f->vnode, static_cast<std::uint32_t>(a.a[1]),
                      static_cast<std::uint32_t>(a.a[2]));
}

long sys_fchownat(const Args& a) {
  const int flags = static_cast<int>(a.a[4]);
  if (flags & ~(kAtSymlinkNofollow | kAtEmptyPath)) return err(Error::INVAL);
  AtPath ap;
  VnodeHold v;
  auto r = at_vnode(static_cast<int>(a.a[0]), a.a[1], flags, !(flags & kAtSymlinkNofollow), &ap);
  if (!r.ok()) return fail(r);
  v.v = *r;
  return fchown_vnode(v.v, static_cast<std::uint32_t>(a.a[2]), static_cast<std::uint32_t>(a.a[3]));
}

long sys_utimensat(const Args& a) {
  const int dirfd = static_cast<int>(a.a[0]);
  const int flags = static_cast<int>(a.a[3]);
  if (flags & ~(kAtSymlinkNofollow | kAtEmptyPath)) return err(Error::INVAL);
  fs::Timespec t[2] = {now(), now()};
  bool omit[2] = {false, false};
  if (a.a[2]) {
    std::int64_t raw[4];
    if (!mm::copy_from_user(raw, a.a[2], sizeof raw).ok()) return err(Error::FAULT);
    for (int i = 0; i < 2; ++i) {
      const std::int64_t sec = raw[2 * i], nsec = raw[2 * i + 1];
      if (nsec == kUtimeOmit) {
        omit[i] = true;
      } else if (nsec != kUtimeNow) {
        if (nsec < 0 || nsec > 999999999) return err(Error::INVAL);
        t[i] = {sec, nsec};
      }
    }
  }
  VnodeHold v;
  if (a.a[1] == 0) {  // futimens: the file behind dirfd
    FileRef ref;
    if (auto r = get_file(dirfd, &ref); !r.ok()) return ret(r);
    v.v = fs::vnode_get(ref.f->vnode);
  } else {
    AtPath ap;
    auto r = at_vnode(dirfd, a.a[1], flags, !(flags & kAtSymlinkNofollow), &ap);
    if (!r.ok()) return fail(r);
    v.v = *r;
  }
  fs::SetAttr attr;
  if (!omit[0]) attr.mask |= fs::SetAttr::kAtime;
  if (!omit[1]) attr.mask |= fs::SetAttr::kMtime;
  attr.atime = t[0];
  attr.mtime = t[1];
  if (attr.mask == 0) return 0;
  return setattr(v.v, attr);
}

long sys_umask(const Args& a) {
  fs::FsContext& ctx = files();
  const std::uint32_t old = ctx.umask;
  ctx.umask = static_cast<std::uint32_t>(a.a[0]) & 0777;
  return old;
}

}  // namespace linux_compat
