// Descriptors and file I/O beyond read/write: dup, dup3, pipe2, pwrite64, sendfile,
// ftruncate, fsync/fdatasync, statx, ppoll, pselect6, and the filesystem
// calls statfs/fstatfs, mount and umount2 (over the VFS mount table).
#include <fs/mount.hpp>
#include <fs/poll.hpp>
#include <fs/vfs.hpp>
#include <kernel/process.hpp>
#include <kernel/signal.hpp>
#include <mm/heap.hpp>
#include <mm/usercopy.hpp>
#include <sched/sched.hpp>

#include "../linux_process.hpp"
#include "../signal_frame.hpp"
#include "fs_common.hpp"
#include "syscalls.hpp"

namespace linux_compat {
namespace {

using klib::Error;

constexpr std::int64_t kNsPerSec = 1'000'000'000;

struct LinuxTimespec {
  std::int64_t sec, nsec;
};

// A user timespec as a relative timeout in ns (EINVAL when malformed).
klib::Result<std::int64_t> timeout_ns(std::uintptr_t uts) {
  LinuxTimespec ts;
  TRY(mm::copy_from_user(&ts, uts, sizeof ts));
  if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= kNsPerSec) return klib::Err(Error::INVAL);
  if (ts.sec > (INT64_MAX / kNsPerSec) - 1) return INT64_MAX / 2;  // "forever" for our clock
  return ts.sec * kNsPerSec + ts.nsec;
}

// ppoll and pselect6 write back the time left, as Linux does.
void put_remaining(std::uintptr_t uts, std::int64_t timeout, std::uint64_t start) {
  const std::uint64_t spent = sched::uptime_ns() - start;
  const std::int64_t left =
      spent >= static_cast<std::uint64_t>(timeout) ? 0 : timeout - static_cast<std::int64_t>(spent);
  const LinuxTimespec ts{left / kNsPerSec, left % kNsPerSec};
  (void)mm::copy_to_user(uts, &ts, sizeof ts);  // Linux ignores a failure here too
}

// The temporary signal mask of ppoll/pselect6, in the kernel's signal
// state. As Linux: when the call ends with EINTR the old mask comes back
// only after the handler (its frame carries it, signal_deliver.cpp), so the
// signal the temporary mask let in is delivered; otherwise at once.
class MaskSwap {
 public:
  explicit MaskSwap(const long* result) : result_(result) {}
  MaskSwap(const MaskSwap&) = delete;
  MaskSwap& operator=(const MaskSwap&) = delete;
  long install(std::uintptr_t umask, std::size_t size) {
    if (!umask) return 0;
    if (size != sizeof(std::uint64_t)) return err(Error::INVAL);
    std::uint64_t mask;
    if (!mm::copy_from_user(&mask, umask, sizeof mask).ok()) return err(Error::FAULT);
    const kernel::SigSet core = sigset_to_core(mask);
    if (!kernel::signal_mask(kernel::MaskHow::Set, &core, &saved_, false).ok()) return 0;
    installed_ = true;
    return 0;
  }
  ~MaskSwap() {
    if (!installed_) return;
    kernel::ProcessThread* self = kernel::current_thread();
    if (self && *result_ == err(Error::INTR)) {
      self->signals.saved_mask = saved_;
      self->signals.restore_mask = true;
      return;
    }
    (void)kernel::signal_mask(kernel::MaskHow::Set, &saved_, nullptr, false);
  }

 private:
  const long* result_;
  kernel::SigSet saved_ = 0;
  bool installed_ = false;
};

long poll_result(klib::Result<int>& r) {
  if (!r.ok() && r.error() == Error::INTR) return err(Error::INTR);
  return ret(r);
}

// asm-generic struct statfs (64-bit), 120 bytes.
struct LinuxStatfs {
  std::int64_t type, bsize, blocks, bfree, bavail, files, ffree;
  std::int32_t fsid[2];
  std::int64_t namelen, frsize, flags, spare[4];
};
static_assert(sizeof(LinuxStatfs) == 120);

// Magic numbers from include/uapi/linux/magic.h.
constexpr std::int64_t kTmpfsMagic = 0x01021994, kProcMagic = 0x9fa0;

long put_statfs(std::uintptr_t ubuf, const fs::Vnode* v) {
  LinuxStatfs s{};
  const fs::Superblock* sb = v->sb;
  const bool proc = sb && __builtin_strcmp(sb->fstype, "proc") == 0;
  s.type = proc ? kProcMagic : kTmpfsMagic;  // devfs is a tmpfs to Linux programs, as devtmpfs
  s.bsize = s.frsize = static_cast<std::int64_t>(mm::kPageSize);
  if (!proc && sb && __builtin_strcmp(sb->fstype, "tmpfs") == 0) {
    // tmpfs keeps files in RAM pages and has no size limit of its own: its
    // capacity is the page allocator's.
    const auto& pa = mm::page_allocator();
    s.blocks = static_cast<std::int64_t>(pa.total_pages());
    s.bfree = s.bavail = static_cast<std::int64_t>(pa.free_pages());
  }
  s.fsid[0] = sb ? static_cast<std::int32_t>(sb->dev) : 0;
  s.namelen = fs::kNameMax;
  return ret(mm::copy_to_user(ubuf, &s, sizeof s));
}

// Linux's dev_t split (glibc's major()/minor()).
std::uint32_t dev_major(std::uint64_t d) {
  return static_cast<std::uint32_t>(((d >> 8) & 0xfff) | ((d >> 32) & ~0xfffull));
}
std::uint32_t dev_minor(std::uint64_t d) {
  return static_cast<std::uint32_t>((d & 0xff) | ((d >> 12) & ~0xffull));
}

// struct statx (include/uapi/linux/stat.h), 256 bytes.
struct StatxTime {
  std::int64_t sec;
  std::uint32_t nsec;
  std::int32_t reserved;
};
struct LinuxStatx {
  std::uint32_t mask, blksize;
  std::uint64_t attributes;
  std::uint32_t nlink, uid, gid;
  std::uint16_t mode, spare0;
  std::uint64_t ino, size, blocks, attributes_mask;
  StatxTime atime, btime, ctime, mtime;
  std::uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
  std::uint64_t mnt_id;
  std::uint32_t dio_mem_align, dio_offset_align;
  std::uint64_t spare[12];
};
static_assert(sizeof(LinuxStatx) == 256);

constexpr std::uint32_t kStatxBasicStats = 0x7ff, kStatxReserved = 0x80000000u;
constexpr int kAtNoAutomount = 0x800, kAtStatxSyncType = 0x6000;

StatxTime statx_time(fs::Timespec t) { return {t.sec, static_cast<std::uint32_t>(t.nsec), 0}; }

// What statx looks at: the path relative to dirfd, or with AT_EMPTY_PATH
// and an empty path, dirfd itself.
klib::Result<fs::Stat> statx_target(int dirfd, const char* path, int flags) {
  if (path[0] == '\0') {
    if (!(flags & kAtEmptyPath)) return klib::Err(Error::NOENT);
    return dirfd == kAtFdcwd ? fs::stat(files(), ".") : fs::fstat(files(), dirfd);
  }
  AtContext at;
  TRY(at_context(dirfd, path, &at));
  return (flags & kAtSymlinkNofollow) ? fs::lstat(at.ctx, path) : fs::stat(at.ctx, path);
}

constexpr unsigned kMsSilent = 32768;
constexpr int kMntForce = 1, kMntDetach = 2, kMntExpire = 4, kUmountNofollow = 8;

}  // namespace

long sys_dup(const Args& a) {
  fs::FsContext& ctx = files();
  if (!ctx.fds) return err(Error::BADF);
  return ret(ctx.fds->dup(static_cast<int>(a.a[0])));
}

long sys_dup3(const Args& a) {
  fs::FsContext& ctx = files();
  if (!ctx.fds) return err(Error::BADF);
  const int flags = static_cast<int>(a.a[2]);
  if (flags & ~fs::oflag::CLOEXEC) return err(Error::INVAL);
  return ret(ctx.fds->dup3(static_cast<int>(a.a[0]), static_cast<int>(a.a[1]), flags));
}

long sys_pipe2(const Args& a) {
  const int flags = static_cast<int>(a.a[1]);
  if (flags & ~(fs::oflag::NONBLOCK | fs::oflag::CLOEXEC)) return err(Error::INVAL);
  if (!mm::user_range_ok(a.a[0], 2 * sizeof(int))) return err(Error::FAULT);
  fs::FsContext& ctx = files();
  int fds[2];
  if (auto r = fs::pipe(ctx, fds, flags); !r.ok()) return ret(r);
  if (!mm::copy_to_user(a.a[0], fds, sizeof fds).ok()) {
    (void)fs::close(ctx, fds[0]);
    (void)fs::close(ctx, fds[1]);
    return err(Error::FAULT);
  }
  return 0;
}

long sys_pwrite64(const Args& a) {
  FileRef ref;
  if (auto r = get_file(static_cast<int>(a.a[0]), &ref); !r.ok()) return ret(r);
  const std::size_t n = a.a[2];
  const auto off = static_cast<std::int64_t>(a.a[3]);
  if (off < 0) return err(Error::INVAL);
  if (!ref.f->writable()) return err(Error::BADF);
  if (!ref.f->fops->seekable) return err(Error::SPIPE);
  if (n == 0) return 0;
  if (!mm::user_range_ok(a.a[1], n)) return err(Error::FAULT);
  Bounce b;
  if (!b.p) return err(Error::NOMEM);
  const std::size_t step = n < kBounce ? n : kBounce;
  if (!mm::copy_from_user(b.p, a.a[1], step).ok()) return err(Error::FAULT);
  return ret(fs::file_pwrite(ref.f, b.p, step, static_cast<std::uint64_t>(off)));
}

// sendfile(out, in, offset*, count): through a kernel buffer, at most one
// bounce buffer per call (a short count, which callers loop on). With an
// offset pointer the input's own position is left alone.
long sys_sendfile(const Args& a) {
  FileRef out, in;
  if (auto r = get_file(static_cast<int>(a.a[0]), &out); !r.ok()) return ret(r);
  if (auto r = get_file(static_cast<int>(a.a[1]), &in); !r.ok()) return ret(r);
  if (!in.f->readable() || !out.f->writable()) return err(Error::BADF);
  if (out.f->flags & fs::oflag::APPEND) return err(Error::INVAL);
  std::int64_t off = 0;
  if (a.a[2]) {
    if (!mm::get_user(&off, a.a[2]).ok()) return err(Error::FAULT);
    if (off < 0) return err(Error::INVAL);
    if (!in.f->fops->seekable) return err(Error::SPIPE);
  }
  const std::size_t count = a.a[3] < kBounce ? a.a[3] : kBounce;
  if (count == 0) return 0;
  Bounce b;
  if (!b.p) return err(Error::NOMEM);
  auto got = a.a[2] ? fs::file_pread(in.f, b.p, count, static_cast<std::uint64_t>(off))
                    : fs::file_read(in.f, b.p, count);
  if (!got.ok()) return fail(got);
  std::size_t done = 0;
  while (done < *got) {
    auto put = fs::file_write(out.f, b.p + done, *got - done);
    if (!put.ok()) {
      if (done == 0) return fail(put);
      break;
    }
    if (*put == 0) break;
    done += *put;
  }
  // What was read but not written goes back: the input moves by `done`.
  if (!a.a[2] && done < *got)
    (void)fs::file_lseek(in.f, -static_cast<std::int64_t>(*got - done), fs::whence::CUR);
  if (a.a[2]) {
    off += static_cast<std::int64_t>(done);
    if (!mm::put_user(a.a[2], off).ok()) return err(Error::FAULT);
  }
  return static_cast<long>(done);
}

long sys_ftruncate(const Args& a) {
  return ret(fs::ftruncate(files(), static_cast<int>(a.a[0]), static_cast<std::int64_t>(a.a[1])));
}

// tmpfs, devfs and procfs keep everything in memory: there is nothing to
// write back, so a regular file or directory is always in sync. Pipes,
// FIFOs and devices cannot be synced (EINVAL, as Linux says for them).
long sys_fsync(const Args& a) {
  FileRef ref;
  if (auto r = get_file(static_cast<int>(a.a[0]), &ref); !r.ok()) return ret(r);
  const fs::VType t = ref.f->vnode ? ref.f->vnode->type : fs::VType::None;
  return t == fs::VType::Regular || t == fs::VType::Directory ? 0 : err(Error::INVAL);
}

long sys_statx(const Args& a) {
  const int dirfd = static_cast<int>(a.a[0]);
  const int flags = static_cast<int>(a.a[2]);
  const auto mask = static_cast<std::uint32_t>(a.a[3]);
  if (flags & ~(kAtSymlinkNofollow | kAtEmptyPath | kAtNoAutomount | kAtStatxSyncType))
    return err(Error::INVAL);
  if ((flags & kAtStatxSyncType) == kAtStatxSyncType || (mask & kStatxReserved))
    return err(Error::INVAL);
  PathBuf path;
  if (!path.p) return err(Error::NOMEM);
  if (auto r = get_path(a.a[1], path.p); !r.ok()) return ret(r);
  auto s = statx_target(dirfd, path.p, flags);
  if (!s.ok()) return fail(s);
  LinuxStatx x{};
  x.mask = kStatxBasicStats;
  x.blksize = s->blksize;
  x.nlink = s->nlink;
  x.uid = s->uid;
  x.gid = s->gid;
  x.mode = static_cast<std::uint16_t>(s->mode);
  x.ino = s->ino;
  x.size = s->size;
  x.blocks = s->blocks;
  x.atime = statx_time(s->atime);
  x.mtime = statx_time(s->mtime);
  x.ctime = statx_time(s->ctime);
  x.rdev_major = dev_major(s->rdev);
  x.rdev_minor = dev_minor(s->rdev);
  x.dev_major = dev_major(s->dev);
  x.dev_minor = dev_minor(s->dev);
  return ret(mm::copy_to_user(a.a[4], &x, sizeof x));
}

long sys_ppoll(const Args& a) {
  const std::uint64_t n = a.a[1];
  if (n > static_cast<std::uint64_t>(fs::kMaxFds)) return err(Error::INVAL);
  std::int64_t timeout = -1;
  if (a.a[2]) {
    auto t = timeout_ns(a.a[2]);
    if (!t.ok()) return fail(t);
    timeout = *t;
  }
  auto* fds = static_cast<fs::PollFd*>(mm::kmalloc((n ? n : 1) * sizeof(fs::PollFd)));
  if (!fds) return err(Error::NOMEM);
  static_assert(sizeof(fs::PollFd) == 8, "struct pollfd");
  long result = 0;
  if (n && !mm::copy_from_user(fds, a.a[0], n * sizeof(fs::PollFd)).ok())
    result = err(Error::FAULT);
  MaskSwap mask(&result);
  if (result == 0) result = mask.install(a.a[3], a.a[4]);
  if (result == 0) {
    const std::uint64_t start = sched::uptime_ns();
    auto r = fs::poll(files(), fds, n, timeout, true);
    result = poll_result(r);
    if (result >= 0 && n && !mm::copy_to_user(a.a[0], fds, n * sizeof(fs::PollFd)).ok())
      result = err(Error::FAULT);
    if (a.a[2] && timeout >= 0) put_remaining(a.a[2], timeout, start);
  }
  mm::kfree(fds);
  return result;
}

long sys_pselect6(const Args& a) {
  const auto nfds = static_cast<std::int64_t>(static_cast<int>(a.a[0]));
  if (nfds < 0) return err(Error::INVAL);
  const std::size_t n = nfds > fs::kMaxFds ? fs::kMaxFds : static_cast<std::size_t>(nfds);
  const std::size_t words = (n + 63) / 64;
  std::uint64_t in[fs::kMaxFds / 64] = {}, sets[3][fs::kMaxFds / 64] = {};
  for (int s = 0; s < 3; ++s)
    if (a.a[1 + s] && words && !mm::copy_from_user(sets[s], a.a[1 + s], words * 8).ok())
      return err(Error::FAULT);
  (void)in;
  std::int64_t timeout = -1;
  if (a.a[4]) {
    auto t = timeout_ns(a.a[4]);
    if (!t.ok()) return fail(t);
    timeout = *t;
  }
  // The sixth argument points at {const sigset_t* ss; size_t ss_len}.
  std::uint64_t sig[2] = {0, 0};
  if (a.a[5] && !mm::copy_from_user(sig, a.a[5], sizeof sig).ok()) return err(Error::FAULT);
  auto* fds = static_cast<fs::PollFd*>(mm::kmalloc(fs::kMaxFds * sizeof(fs::PollFd)));
  if (!fds) return err(Error::NOMEM);
  std::size_t count = 0;
  for (std::size_t fd = 0; fd < n; ++fd) {
    const std::uint64_t bit = std::uint64_t{1} << (fd % 64);
    short ev = 0;
    if (sets[0][fd / 64] & bit) ev |= fs::pollev::IN;
    if (sets[1][fd / 64] & bit) ev |= fs::pollev::OUT;
    if (sets[2][fd / 64] & bit) ev |= fs::pollev::PRI;
    if (ev) fds[count++] = {static_cast<int>(fd), ev, 0};
  }
  long result = 0;
  MaskSwap mask(&result);
  result = mask.install(sig[0], sig[1]);
  const std::uint64_t start = sched::uptime_ns();
  if (result == 0) {
    auto r = fs::poll(files(), fds, count, timeout, true);
    result = poll_result(r);
  }
  if (result >= 0) {
    // select counts bits, not descriptors, and a closed descriptor in a
    // set is EBADF rather than POLLNVAL.
    std::uint64_t out[3][fs::kMaxFds / 64] = {};
    long bits = 0;
    for (std::size_t i = 0; i < count && result >= 0; ++i) {
      const fs::PollFd& p = fds[i];
      const std::uint64_t bit = std::uint64_t{1} << (p.fd % 64);
      if (p.revents & fs::pollev::NVAL) result = err(Error::BADF);
      const bool r = (p.events & fs::pollev::IN) &&
                     (p.revents & (fs::pollev::IN | fs::pollev::HUP | fs::pollev::ERR));
      const bool w =
          (p.events & fs::pollev::OUT) && (p.revents & (fs::pollev::OUT | fs::pollev::ERR));
      const bool x = (p.events & fs::pollev::PRI) && (p.revents & fs::pollev::PRI);
      if (r) out[0][p.fd / 64] |= bit, ++bits;
      if (w) out[1][p.fd / 64] |= bit, ++bits;
      if (x) out[2][p.fd / 64] |= bit, ++bits;
    }
    if (result >= 0) {
      for (int s = 0; s < 3; ++s)
        if (a.a[1 + s] && words && !mm::copy_to_user(a.a[1 + s], out[s], words * 8).ok())
          result = err(Error::FAULT);
      if (result >= 0) result = bits;
    }
  }
  if (a.a[4] && timeout >= 0 && result != err(Error::FAULT)) put_remaining(a.a[4], timeout, start);
  mm::kfree(fds);
  return result;
}

long sys_statfs(const Args& a) {
  PathBuf path;
  if (!path.p) return err(Error::NOMEM);
  if (auto r = get_path(a.a[0], path.p); !r.ok()) return ret(r);
  auto v = fs::resolve(files(), path.p, fs::kFollow);
  if (!v.ok()) return fail(v);
  const long r = put_statfs(a.a[1], *v);
  fs::vnode_put(*v);
  return r;
}

long sys_fstatfs(const Args& a) {
  FileRef ref;
  if (auto r = get_file(static_cast<int>(a.a[0]), &ref); !r.ok()) return ret(r);
  return put_statfs(a.a[1], ref.f->vnode);
}

long sys_mount(const Args& a) {
  if (kernel::current_process()->cred.euid != 0) return err(Error::PERM);
  const auto flags = static_cast<unsigned>(a.a[3]);
  // Remounts, binds, moves and propagation changes are not supported, and
  // neither are the per-mount options (ro, nosuid, ...): the mount table
  // has none to record, and /proc/mounts must not claim them.
  if (flags & ~kMsSilent) return err(Error::INVAL);
  PathBuf source, target;
  char fstype[32];
  if (!source.p || !target.p) return err(Error::NOMEM);
  if (a.a[0]) {
    if (auto r = get_path(a.a[0], source.p); !r.ok()) return ret(r);
  } else {
    __builtin_strcpy(source.p, "none");
  }
  if (auto r = get_path(a.a[1], target.p); !r.ok()) return ret(r);
  auto n = mm::strncpy_from_user(fstype, a.a[2], sizeof fstype);
  if (!n.ok()) return n.error() == Error::NAMETOOLONG ? err(Error::NODEV) : fail(n);
  if (a.a[4]) {  // filesystem options: none of ours takes any
    char first;
    if (!mm::copy_from_user(&first, a.a[4], 1).ok()) return err(Error::FAULT);
    if (first != '\0') return err(Error::INVAL);
  }
  // Linux names for the kernel's filesystem types.
  const char* type = fstype;
  if (__builtin_strcmp(fstype, "proc") == 0) type = "procfs";
  if (__builtin_strcmp(fstype, "devtmpfs") == 0) type = "devfs";
  return ret(fs::mount(files(), source.p, target.p, type, nullptr));
}

long sys_umount2(const Args& a) {
  if (kernel::current_process()->cred.euid != 0) return err(Error::PERM);
  const int flags = static_cast<int>(a.a[1]);
  if (flags & ~(kMntForce | kMntDetach | kMntExpire | kUmountNofollow)) return err(Error::INVAL);
  if ((flags & kMntExpire) && (flags & (kMntForce | kMntDetach))) return err(Error::INVAL);
  // Forced, lazy and expiring unmounts are not supported: only a plain one.
  if (flags & (kMntForce | kMntDetach | kMntExpire)) return err(Error::INVAL);
  PathBuf target;
  if (!target.p) return err(Error::NOMEM);
  if (auto r = get_path(a.a[0], target.p); !r.ok()) return ret(r);
  return ret(fs::umount(files(), target.p));
}

}  // namespace linux_compat
