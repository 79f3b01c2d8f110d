// The POSIX descriptor calls for Vela applications (open, read, write, dup,
// fcntl, pipe, ...): C entry points over fs/ on the calling task's context,
// picolibc flag values converted, errors reported through errno.
#include <fs/fdtable.hpp>
#include <fs/init.hpp>
#include <kernel/process.hpp>

#include "fs_api_internal.hpp"

namespace vela {
namespace {

struct FlagPair {
  int picolibc;
  int fs;
};
constexpr FlagPair kFlags[] = {
    {vabi::kOCreatP, fs::oflag::CREAT},         {vabi::kOTruncP, fs::oflag::TRUNC},
    {vabi::kOAppendP, fs::oflag::APPEND},       {vabi::kOExclP, fs::oflag::EXCL},
    {vabi::kONonblockP, fs::oflag::NONBLOCK},   {vabi::kONocttyP, fs::oflag::NOCTTY},
    {vabi::kOCloexecP, fs::oflag::CLOEXEC},     {vabi::kONofollowP, fs::oflag::NOFOLLOW},
    {vabi::kODirectoryP, fs::oflag::DIRECTORY},
};

// `mode` is the optional third argument of open/openat.
std::uint32_t mode_arg(int flags, __builtin_va_list ap) {
  if (!(flags & vabi::kOCreatP)) return 0;
  return static_cast<std::uint32_t>(__builtin_va_arg(ap, unsigned int));
}

constexpr int kFionbio = 0x5421;  // sys/ioctl.h

}  // namespace

// The calling task's root, cwd and descriptors (its process's; the kernel's
// for threads outside any task).
fs::FsContext& current_fs() { return kernel::process_files(kernel::current_process()); }

int oflags_to_fs(int flags) {
  int out = flags & vabi::kOAccmode;
  for (const auto& f : kFlags)
    if (flags & f.picolibc) out |= f.fs;
  return out;
}

int oflags_from_fs(int flags) {
  int out = flags & fs::oflag::ACCMODE;
  for (const auto& f : kFlags)
    if (flags & f.fs) out |= f.picolibc;
  return out;
}

void stat_to_abi(const fs::Stat& in, vabi::stat* out) {
  __builtin_memset(out, 0, sizeof *out);
  // Narrowing where the layout has 16-bit fields (newlib's), as picolibc's own.
  out->st_dev = static_cast<decltype(out->st_dev)>(in.dev);
  out->st_ino = static_cast<decltype(out->st_ino)>(in.ino);
  out->st_mode = in.mode;  // the S_IF* and permission bits agree with picolibc
  out->st_nlink = static_cast<std::uint16_t>(in.nlink);
  out->st_uid = static_cast<decltype(out->st_uid)>(in.uid);
  out->st_gid = static_cast<decltype(out->st_gid)>(in.gid);
  out->st_rdev = static_cast<decltype(out->st_rdev)>(in.rdev);
  out->st_size = static_cast<long>(in.size);
  out->st_blksize = in.blksize;
  out->st_blocks = static_cast<long>(in.blocks);
  out->st_atim = {in.atime.sec, static_cast<long>(in.atime.nsec)};
  out->st_mtim = {in.mtime.sec, static_cast<long>(in.mtime.nsec)};
  out->st_ctim = {in.ctime.sec, static_cast<long>(in.ctime.nsec)};
}

}  // namespace vela

using namespace vela;

VELA_API(int, open, const char* path, int flags, ...) {
  __builtin_va_list ap;
  __builtin_va_start(ap, flags);
  const std::uint32_t mode = mode_arg(flags, ap);
  __builtin_va_end(ap);
  if (!path) return fail(Error::FAULT);
  return static_cast<int>(ret_or_fail(fs::open(current_fs(), path, oflags_to_fs(flags), mode)));
}

VELA_API(int, openat, int dirfd, const char* path, int flags, ...) {
  __builtin_va_list ap;
  __builtin_va_start(ap, flags);
  const std::uint32_t mode = mode_arg(flags, ap);
  __builtin_va_end(ap);
  if (!path) return fail(Error::FAULT);
  return static_cast<int>(ret_or_fail(at_dir(dirfd, path, [&](fs::FsContext& c) {
    return fs::open(c, path, oflags_to_fs(flags), mode);
  })));
}

VELA_API(int, creat, const char* path, unsigned int mode) {
  if (!path) return fail(Error::FAULT);
  return static_cast<int>(ret_or_fail(
      fs::open(current_fs(), path, fs::oflag::CREAT | fs::oflag::WRONLY | fs::oflag::TRUNC, mode)));
}

VELA_API(int, close, int fd) { return ret_or_fail(fs::close(current_fs(), fd)); }

VELA_API(long, read, int fd, void* buf, std::size_t n) {
  if (!buf && n) return fail(Error::FAULT);
  return ret_or_fail(fs::read(current_fs(), fd, buf, n));
}

VELA_API(long, write, int fd, const void* buf, std::size_t n) {
  if (!buf && n) return fail(Error::FAULT);
  return ret_or_fail(fs::write(current_fs(), fd, buf, n));
}

VELA_API(long, pread, int fd, void* buf, std::size_t n, long off) {
  if (!buf && n) return fail(Error::FAULT);
  return ret_or_fail(fs::pread(current_fs(), fd, buf, n, off));
}

VELA_API(long, pwrite, int fd, const void* buf, std::size_t n, long off) {
  if (!buf && n) return fail(Error::FAULT);
  return ret_or_fail(fs::pwrite(current_fs(), fd, buf, n, off));
}

// readv/writev: one call per segment; a short transfer ends the loop, as the
// POSIX atomicity promise only covers pipes up to PIPE_BUF anyway.
VELA_API(long, readv, int fd, const vabi::iovec* iov, int count) {
  if (count < 0 || count > 1024) return fail(Error::INVAL);
  if (!iov && count) return fail(Error::FAULT);
  long total = 0;
  for (int i = 0; i < count; ++i) {
    if (!iov[i].iov_base && iov[i].iov_len) return total ? total : fail(Error::FAULT);
    auto r = fs::read(current_fs(), fd, iov[i].iov_base, iov[i].iov_len);
    if (!r) return total ? total : fail(r.error());
    total += static_cast<long>(*r);
    if (*r < iov[i].iov_len) break;
  }
  return total;
}

VELA_API(long, writev, int fd, const vabi::iovec* iov, int count) {
  if (count < 0 || count > 1024) return fail(Error::INVAL);
  if (!iov && count) return fail(Error::FAULT);
  long total = 0;
  for (int i = 0; i < count; ++i) {
    if (!iov[i].iov_base && iov[i].iov_len) return total ? total : fail(Error::FAULT);
    auto r = fs::write(current_fs(), fd, iov[i].iov_base, iov[i].iov_len);
    if (!r) return total ? total : fail(r.error());
    total += static_cast<long>(*r);
    if (*r < iov[i].iov_len) break;
  }
  return total;
}

VELA_API(long, lseek, int fd, long off, int whence) {
  return ret_or_fail(fs::lseek(current_fs(), fd, off, whence));
}

VELA_API(int, fstat, int fd, vabi::stat* st) {
  if (!st) return fail(Error::FAULT);
  auto r = fs::fstat(current_fs(), fd);
  if (!r) return fail(r.error());
  stat_to_abi(*r, st);
  return 0;
}

// Everything lives in memory: syncing only checks the descriptor.
VELA_API(int, fsync, int fd) {
  auto r = fs::fstat(current_fs(), fd);
  return r ? 0 : fail(r.error());
}

VELA_API(int, ftruncate, int fd, long size) {
  if (size < 0) return fail(Error::INVAL);
  return ret_or_fail(fs::ftruncate(current_fs(), fd, size));
}

VELA_API(int, dup, int fd) {
  fs::FsContext& c = current_fs();
  return static_cast<int>(ret_or_fail(c.fds->dup(fd)));
}

VELA_API(int, dup2, int fd, int fd2) {
  fs::FsContext& c = current_fs();
  return static_cast<int>(ret_or_fail(c.fds->dup2(fd, fd2)));
}

VELA_API(int, fcntl, int fd, int cmd, ...) {
  __builtin_va_list ap;
  __builtin_va_start(ap, cmd);
  long arg = 0;
  // Only the commands with an argument read one (F_GETFD/F_GETFL have none).
  if (cmd == fs::fcntl_op::DUPFD || cmd == vabi::kFDupfdCloexec || cmd == fs::fcntl_op::SETFD ||
      cmd == fs::fcntl_op::SETFL)
    arg = __builtin_va_arg(ap, int);
  __builtin_va_end(ap);
  fs::FsContext& c = current_fs();
  switch (cmd) {
    case vabi::kFDupfdCloexec:
      return static_cast<int>(ret_or_fail(c.fds->fcntl(fd, fs::fcntl_op::DUPFD_CLOEXEC, arg)));
    case fs::fcntl_op::SETFL:
      return static_cast<int>(
          ret_or_fail(c.fds->fcntl(fd, cmd, oflags_to_fs(static_cast<int>(arg)))));
    case fs::fcntl_op::GETFL: {
      auto r = c.fds->fcntl(fd, cmd, 0);
      return r ? oflags_from_fs(*r) : fail(r.error());
    }
    case fs::fcntl_op::DUPFD:
    case fs::fcntl_op::GETFD:
    case fs::fcntl_op::SETFD:
      return static_cast<int>(ret_or_fail(c.fds->fcntl(fd, cmd, arg)));
    default:
      return fail(Error::INVAL);  // record locks and owners are not supported
  }
}

// NuttX's signature: int ioctl(int fd, int req, ...) with one unsigned long.
VELA_API(int, ioctl, int fd, int req, ...) {
  __builtin_va_list ap;
  __builtin_va_start(ap, req);
  const unsigned long arg = __builtin_va_arg(ap, unsigned long);
  __builtin_va_end(ap);
  if (req == kFionbio) {  // generic: the status flag, not the driver
    const auto* on = reinterpret_cast<const int*>(arg);
    if (!on) return fail(Error::FAULT);
    fs::FsContext& c = current_fs();
    auto fl = c.fds->fcntl(fd, fs::fcntl_op::GETFL, 0);
    if (!fl) return fail(fl.error());
    const int want = *on ? (*fl | fs::oflag::NONBLOCK) : (*fl & ~fs::oflag::NONBLOCK);
    return ret_or_fail(c.fds->fcntl(fd, fs::fcntl_op::SETFL, want)) < 0 ? -1 : 0;
  }
  return static_cast<int>(
      ret_or_fail(fs::ioctl(current_fs(), fd, static_cast<unsigned int>(req), arg)));
}

VELA_API(int, pipe2, int* fds, int flags) {
  if (!fds) return fail(Error::FAULT);
  if (flags & ~(vabi::kONonblockP | vabi::kOCloexecP)) return fail(Error::INVAL);
  return ret_or_fail(fs::pipe(current_fs(), fds, oflags_to_fs(flags)));
}

VELA_API(int, pipe, int* fds) {
  if (!fds) return fail(Error::FAULT);
  return ret_or_fail(fs::pipe(current_fs(), fds, 0));
}
