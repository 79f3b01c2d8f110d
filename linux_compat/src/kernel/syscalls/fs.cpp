// File system calls over the shared VFS (fs/vfs.hpp): descriptors come from
// the process's table, every user buffer goes through a kernel bounce
// buffer by usercopy. The descriptor is checked before the buffer, as Linux
// does (EBADF before EFAULT).
#include <fs/vfs.hpp>
#include <hal/user.hpp>
#include <kernel/process.hpp>
#include <mm/heap.hpp>
#include <mm/usercopy.hpp>

#include "../linux_process.hpp"
#include "fs_common.hpp"
#include "syscalls.hpp"

namespace linux_compat {
namespace {

using klib::Error;

constexpr unsigned kIovMax = 1024;

long read_into(fs::OpenFile* f, std::uintptr_t ubuf, std::size_t n) {
  if (n == 0) return 0;
  if (!mm::user_range_ok(ubuf, n)) return err(Error::FAULT);
  Bounce b;
  if (!b.p) return err(Error::NOMEM);
  // One underlying read: a console or pipe returns what it has; a short
  // read of a regular file is legal and callers loop.
  const std::size_t want = n < kBounce ? n : kBounce;
  auto got = fs::file_read(f, b.p, want);
  if (!got.ok()) return ret(got);
  if (!mm::copy_to_user(ubuf, b.p, *got).ok()) return err(Error::FAULT);
  return static_cast<long>(*got);
}

long write_from(fs::OpenFile* f, std::uintptr_t ubuf, std::size_t n) {
  if (n == 0) return 0;
  if (!mm::user_range_ok(ubuf, n)) return err(Error::FAULT);
  Bounce b;
  if (!b.p) return err(Error::NOMEM);
  std::size_t done = 0;
  while (done < n) {
    const std::size_t step = n - done < kBounce ? n - done : kBounce;
    if (!mm::copy_from_user(b.p, ubuf + done, step).ok())
      return done ? static_cast<long>(done) : err(Error::FAULT);
    auto put = fs::file_write(f, b.p, step);
    if (!put.ok()) return done ? static_cast<long>(done) : ret(put);
    done += *put;
    if (*put < step) break;
  }
  return static_cast<long>(done);
}

struct Iovec {
  std::uint64_t base, len;
};

long vector_io(const Args& a, bool write) {
  FileRef ref;
  if (auto r = get_file(static_cast<int>(a.a[0]), &ref); !r.ok()) return ret(r);
  const std::uint64_t count = a.a[2];
  if (count > kIovMax) return err(Error::INVAL);
  long total = 0;
  for (std::uint64_t i = 0; i < count; ++i) {
    Iovec v;
    if (!mm::copy_from_user(&v, a.a[1] + i * sizeof(Iovec), sizeof v).ok())
      return total ? total : err(Error::FAULT);
    if (static_cast<std::int64_t>(v.len) < 0) return total ? total : err(Error::INVAL);
    const long r = write ? write_from(ref.f, v.base, v.len) : read_into(ref.f, v.base, v.len);
    if (r < 0) return total ? total : r;
    total += r;
    if (static_cast<std::uint64_t>(r) < v.len) break;  // short: stop here
  }
  return total;
}

// arm64 gives four open flags their own values (arch/arm64/include/uapi/
// asm/fcntl.h); the VFS speaks asm-generic.
int open_flags(std::uint64_t f) {
  int flags = static_cast<int>(f);
  if (hal::user_elf_machine() != 183) return flags;
  constexpr int kArmDirectory = 040000, kArmNofollow = 0100000, kArmDirect = 0200000,
                kArmLargefile = 0400000;
  int out = flags & ~(kArmDirectory | kArmNofollow | kArmDirect | kArmLargefile);
  if (flags & kArmDirectory) out |= fs::oflag::DIRECTORY;
  if (flags & kArmNofollow) out |= fs::oflag::NOFOLLOW;
  return out;  // O_DIRECT, O_LARGEFILE: meaningless here
}

// asm-generic struct stat (include/uapi/asm-generic/stat.h), 128 bytes.
struct LinuxStat {
  std::uint64_t dev, ino;
  std::uint32_t mode, nlink, uid, gid;
  std::uint64_t rdev, pad1;
  std::int64_t size;
  std::int32_t blksize, pad2;
  std::int64_t blocks;
  std::int64_t atime, atime_nsec, mtime, mtime_nsec, ctime, ctime_nsec;
  std::uint32_t unused4, unused5;
};
static_assert(sizeof(LinuxStat) == 128);

}  // namespace

long put_stat(std::uintptr_t ubuf, const fs::Stat& s) {
  LinuxStat out{};
  out.dev = s.dev;
  out.ino = s.ino;
  out.mode = s.mode;
  out.nlink = s.nlink;
  out.uid = s.uid;
  out.gid = s.gid;
  out.rdev = s.rdev;
  out.size = static_cast<std::int64_t>(s.size);
  out.blksize = static_cast<std::int32_t>(s.blksize);
  out.blocks = static_cast<std::int64_t>(s.blocks);
  out.atime = s.atime.sec;
  out.atime_nsec = s.atime.nsec;
  out.mtime = s.mtime.sec;
  out.mtime_nsec = s.mtime.nsec;
  out.ctime = s.ctime.sec;
  out.ctime_nsec = s.ctime.nsec;
  return ret(mm::copy_to_user(ubuf, &out, sizeof out));
}

long sys_read(const Args& a) {
  FileRef ref;
  if (auto r = get_file(static_cast<int>(a.a[0]), &ref); !r.ok()) return ret(r);
  return read_into(ref.f, a.a[1], a.a[2]);
}

long sys_write(const Args& a) {
  FileRef ref;
  if (auto r = get_file(static_cast<int>(a.a[0]), &ref); !r.ok()) return ret(r);
  return write_from(ref.f, a.a[1], a.a[2]);
}

long sys_readv(const Args& a) { return vector_io(a, false); }
long sys_writev(const Args& a) { return vector_io(a, true); }

long sys_openat(const Args& a) {
  const int dirfd = static_cast<int>(a.a[0]);
  PathBuf path;
  if (!path.p) return err(Error::NOMEM);
  if (auto r = get_path(a.a[1], path.p); !r.ok()) return ret(r);
  AtContext at;
  if (auto r = at_context(dirfd, path.p, &at); !r.ok()) return ret(r);
  return ret(fs::open(at.ctx, path.p, open_flags(a.a[2]), static_cast<std::uint32_t>(a.a[3])));
}

long sys_close(const Args& a) { return ret(fs::close(files(), static_cast<int>(a.a[0]))); }

long sys_lseek(const Args& a) {
  return ret(fs::lseek(files(), static_cast<int>(a.a[0]), static_cast<std::int64_t>(a.a[1]),
                       static_cast<int>(a.a[2])));
}

long sys_fstat(const Args& a) {
  auto s = fs::fstat(files(), static_cast<int>(a.a[0]));
  if (!s.ok()) return fail(s);
  return put_stat(a.a[1], *s);
}

long sys_newfstatat(const Args& a) {
  const int dirfd = static_cast<int>(a.a[0]);
  const int flags = static_cast<int>(a.a[3]);
  if (flags & ~(kAtEmptyPath | kAtSymlinkNofollow)) return err(Error::INVAL);
  PathBuf path;
  if (!path.p) return err(Error::NOMEM);
  if (auto r = get_path(a.a[1], path.p); !r.ok()) return ret(r);
  if (path.p[0] == '\0') {
    if (!(flags & kAtEmptyPath)) return err(Error::NOENT);
    auto s = fs::fstat(files(), dirfd);
    return s.ok() ? put_stat(a.a[2], *s) : fail(s);
  }
  AtContext at;
  if (auto r = at_context(dirfd, path.p, &at); !r.ok()) return ret(r);
  auto s = (flags & kAtSymlinkNofollow) ? fs::lstat(at.ctx, path.p) : fs::stat(at.ctx, path.p);
  return s.ok() ? put_stat(a.a[2], *s) : fail(s);
}

long sys_pread64(const Args& a) {
  FileRef ref;
  if (auto r = get_file(static_cast<int>(a.a[0]), &ref); !r.ok()) return ret(r);
  const std::size_t n = a.a[2];
  const auto off = static_cast<std::int64_t>(a.a[3]);
  if (off < 0) return err(Error::INVAL);
  if (n == 0) return 0;
  if (!mm::user_range_ok(a.a[1], n)) return err(Error::FAULT);
  Bounce b;
  if (!b.p) return err(Error::NOMEM);
  auto got = fs::file_pread(ref.f, b.p, n < kBounce ? n : kBounce, static_cast<std::uint64_t>(off));
  if (!got.ok()) return ret(got);
  if (!mm::copy_to_user(a.a[1], b.p, *got).ok()) return err(Error::FAULT);
  return static_cast<long>(*got);
}

long sys_fcntl(const Args& a) {
  fs::FsContext& ctx = files();
  if (!ctx.fds) return err(Error::BADF);
  // F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_DUPFD_CLOEXEC: the VFS's
  // numbers are Linux's; locks and the rest are not implemented (EINVAL).
  return ret(ctx.fds->fcntl(static_cast<int>(a.a[0]), static_cast<int>(a.a[1]),
                            static_cast<long>(a.a[2])));
}

long sys_unlinkat(const Args& a) {
  const int dirfd = static_cast<int>(a.a[0]);
  const int flags = static_cast<int>(a.a[2]);
  if (flags & ~kAtRemovedir) return err(Error::INVAL);
  PathBuf path;
  if (!path.p) return err(Error::NOMEM);
  if (auto r = get_path(a.a[1], path.p); !r.ok()) return ret(r);
  AtContext at;
  if (auto r = at_context(dirfd, path.p, &at); !r.ok()) return ret(r);
  return ret((flags & kAtRemovedir) ? fs::rmdir(at.ctx, path.p) : fs::unlink(at.ctx, path.p));
}

}  // namespace linux_compat
