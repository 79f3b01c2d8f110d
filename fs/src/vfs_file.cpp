// Syscall helpers on open files and descriptors: open, read/write, pread/
// pwrite, lseek, fstat, ftruncate, getdents, ioctl, pipe, close.
#include <fs/pipe.hpp>
#include <fs/vfs.hpp>

namespace fs {

using klib::Err;
using klib::Error;
using klib::Result;

namespace {

// Holds a description for the duration of one call.
class FileRef {
 public:
  explicit FileRef(OpenFile* f) : f_(f) {}
  ~FileRef() { file_put(f_); }
  FileRef(const FileRef&) = delete;
  FileRef& operator=(const FileRef&) = delete;
  OpenFile* operator->() const { return f_; }
  OpenFile* get() const { return f_; }

 private:
  OpenFile* f_;
};

Result<OpenFile*> fd_file(FsContext& ctx, int fd) {
  if (!ctx.fds) return Err(Error::BADF);
  return ctx.fds->get(fd);
}

#define WITH_FD(ctx, fd, name) FileRef name(TRY(fd_file(ctx, fd)))

// The vnode for open(): existing, or created for O_CREAT.
Result<Vnode*> open_lookup(const FsContext& ctx, const char* path, int flags, std::uint32_t mode) {
  const unsigned follow = (flags & oflag::NOFOLLOW) ? 0u : unsigned{kFollow};
  auto existing = resolve(ctx, path, follow);
  if (existing) {
    if ((flags & oflag::CREAT) && (flags & oflag::EXCL)) {
      vnode_put(*existing);
      return Err(Error::EXIST);
    }
    return existing;
  }
  if (!(flags & oflag::CREAT) || existing.error() != Error::NOENT) return existing;
  Parent p = TRY(resolve_parent(ctx, path));
  Vnode* dir = p.dir;
  // "dir/", "/", "." and ".." cannot be created as files.
  if (p.trailing_slash || !name_valid(p.last)) {
    vnode_put(dir);
    return Err(Error::ISDIR);
  }
  if (!dir->ops->create) {
    vnode_put(dir);
    return Err(Error::PERM);
  }
  auto r = dir->ops->create(dir, p.last, mode::IFREG | (mode & ~ctx.umask & mode::PERM), 0);
  vnode_put(dir);
  return r;
}

// Why `v` cannot be opened with `flags`, or success.
Result<void> check_open(Vnode* v, int flags) {
  const int acc = flags & oflag::ACCMODE;
  if (v->type == VType::Symlink) return Err(Error::LOOP);  // O_NOFOLLOW met a link
  if ((flags & oflag::DIRECTORY) && v->type != VType::Directory) return Err(Error::NOTDIR);
  if (v->type == VType::Directory && (acc != oflag::RDONLY || (flags & oflag::TRUNC)))
    return Err(Error::ISDIR);
  if (acc == oflag::ACCMODE) return Err(Error::INVAL);
  return klib::ok();
}

Result<OpenFile*> open_checked(Vnode* v, int flags) {
  TRY(check_open(v, flags));
  OpenFile* f = TRY(file_open_vnode(v, flags));
  if ((flags & oflag::TRUNC) && f->writable() && v->type == VType::Regular && v->ops->truncate) {
    auto t = v->ops->truncate(v, 0);
    if (!t) {
      file_put(f);
      return Err(t.error());
    }
  }
  return f;
}

}  // namespace

Result<OpenFile*> open_file(const FsContext& ctx, const char* path, int flags, std::uint32_t mode) {
  Vnode* v = TRY(open_lookup(ctx, path, flags, mode));
  auto r = open_checked(v, flags);
  vnode_put(v);
  return r;
}

Result<int> open(FsContext& ctx, const char* path, int flags, std::uint32_t mode) {
  if (!ctx.fds) return Err(Error::MFILE);
  OpenFile* f = TRY(open_file(ctx, path, flags, mode));
  auto fd = ctx.fds->install(f, flags & oflag::CLOEXEC);
  file_put(f);  // the table holds its own reference
  return fd;
}

Result<void> close(FsContext& ctx, int fd) {
  if (!ctx.fds) return Err(Error::BADF);
  return ctx.fds->close(fd);
}

Result<std::size_t> file_pread(OpenFile* f, void* buf, std::size_t n, std::uint64_t off) {
  if (!f->readable()) return Err(Error::BADF);
  if (f->vnode->type == VType::Directory) return Err(Error::ISDIR);
  if (!f->fops->read) return Err(Error::INVAL);
  return f->fops->read(f, buf, n, &off);
}

Result<std::size_t> file_read(OpenFile* f, void* buf, std::size_t n) {
  if (!f->readable()) return Err(Error::BADF);
  if (f->vnode->type == VType::Directory) return Err(Error::ISDIR);
  if (!f->fops->read) return Err(Error::INVAL);
  return f->fops->read(f, buf, n, &f->pos);
}

Result<std::size_t> file_pwrite(OpenFile* f, const void* buf, std::size_t n, std::uint64_t off) {
  if (!f->writable()) return Err(Error::BADF);
  if (!f->fops->write) return Err(Error::INVAL);
  return f->fops->write(f, buf, n, &off);
}

Result<std::size_t> file_write(OpenFile* f, const void* buf, std::size_t n) {
  if (!f->writable()) return Err(Error::BADF);
  if (!f->fops->write) return Err(Error::INVAL);
  return f->fops->write(f, buf, n, &f->pos);
}

Result<std::uint64_t> file_lseek(OpenFile* f, std::int64_t off, int whence) {
  if (f->fops->seek) return f->fops->seek(f, off, whence);
  if (!f->fops->seekable) return Err(Error::SPIPE);
  std::int64_t base;
  switch (whence) {
    case whence::SET:
      base = 0;
      break;
    case whence::CUR:
      base = static_cast<std::int64_t>(f->pos);
      break;
    case whence::END:
      base = static_cast<std::int64_t>(f->vnode->size);
      break;
    default:
      return Err(Error::INVAL);
  }
  std::int64_t target;
  if (__builtin_add_overflow(base, off, &target) || target < 0) return Err(Error::INVAL);
  f->pos = static_cast<std::uint64_t>(target);
  return f->pos;
}

Result<std::size_t> file_getdents(OpenFile* f, DirEntry* out, std::size_t max) {
  Vnode* v = f->vnode;
  if (v->type != VType::Directory || !v->ops->readdir) return Err(Error::NOTDIR);
  std::size_t n = 0;
  while (n < max) {
    if (!TRY(v->ops->readdir(v, &f->pos, &out[n]))) break;
    ++n;
  }
  return n;
}

Result<std::size_t> read(FsContext& ctx, int fd, void* buf, std::size_t n) {
  WITH_FD(ctx, fd, f);
  return file_read(f.get(), buf, n);
}

Result<std::size_t> write(FsContext& ctx, int fd, const void* buf, std::size_t n) {
  WITH_FD(ctx, fd, f);
  return file_write(f.get(), buf, n);
}

Result<std::size_t> pread(FsContext& ctx, int fd, void* buf, std::size_t n, std::int64_t off) {
  WITH_FD(ctx, fd, f);
  if (!f->fops->seekable) return Err(Error::SPIPE);
  if (off < 0) return Err(Error::INVAL);
  return file_pread(f.get(), buf, n, static_cast<std::uint64_t>(off));
}

Result<std::size_t> pwrite(FsContext& ctx, int fd, const void* buf, std::size_t n,
                           std::int64_t off) {
  WITH_FD(ctx, fd, f);
  if (!f->fops->seekable) return Err(Error::SPIPE);
  if (off < 0) return Err(Error::INVAL);
  return file_pwrite(f.get(), buf, n, static_cast<std::uint64_t>(off));
}

Result<std::uint64_t> lseek(FsContext& ctx, int fd, std::int64_t off, int whence) {
  WITH_FD(ctx, fd, f);
  return file_lseek(f.get(), off, whence);
}

Result<long> ioctl(FsContext& ctx, int fd, unsigned long cmd, unsigned long arg) {
  WITH_FD(ctx, fd, f);
  if (!f->fops->ioctl) return Err(Error::NOTTY);
  return f->fops->ioctl(f.get(), cmd, arg);
}

Result<Stat> fstat(FsContext& ctx, int fd) {
  WITH_FD(ctx, fd, f);
  return vnode_stat(f->vnode);
}

Result<void> ftruncate(FsContext& ctx, int fd, std::int64_t size) {
  WITH_FD(ctx, fd, f);
  if (size < 0 || !f->writable()) return Err(Error::INVAL);
  Vnode* v = f->vnode;
  if (v->type != VType::Regular || !v->ops->truncate) return Err(Error::INVAL);
  return v->ops->truncate(v, static_cast<std::uint64_t>(size));
}

Result<std::size_t> getdents(FsContext& ctx, int fd, DirEntry* out, std::size_t max) {
  WITH_FD(ctx, fd, f);
  return file_getdents(f.get(), out, max);
}

Result<void> fchdir(FsContext& ctx, int fd) {
  WITH_FD(ctx, fd, f);
  if (f->vnode->type != VType::Directory) return Err(Error::NOTDIR);
  context_set_cwd(ctx, f->vnode);
  return klib::ok();
}

Result<void> pipe(FsContext& ctx, int fds[2], int flags) {
  if (!ctx.fds) return Err(Error::MFILE);
  if (flags & ~(oflag::NONBLOCK | oflag::CLOEXEC)) return Err(Error::INVAL);
  OpenFile* ends[2];
  TRY(pipe_create(ends, flags & oflag::NONBLOCK));
  const bool cloexec = flags & oflag::CLOEXEC;
  auto r0 = ctx.fds->install(ends[0], cloexec);
  auto r1 = r0 ? ctx.fds->install(ends[1], cloexec) : Result<int>(Err(r0.error()));
  file_put(ends[0]);
  file_put(ends[1]);
  if (!r1) {
    if (r0) (void)ctx.fds->close(*r0);
    return Err(r1.error());
  }
  fds[0] = *r0;
  fds[1] = *r1;
  return klib::ok();
}

}  // namespace fs
