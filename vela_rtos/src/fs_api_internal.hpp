// Shared by the Vela POSIX file API files (fs_api*.cpp, poll_api.cpp,
// select_api.cpp): the picolibc ABI layouts and constants they convert from
// and to, and the caller's filesystem context.
#pragma once

#include <fs/fdtable.hpp>
#include <fs/path.hpp>
#include <fs/types.hpp>
#include <fs/vfs.hpp>
#include <klib/result.hpp>

#include <cstddef>
#include <cstdint>

#include "pthread_internal.hpp"  // VELA_API, vela::fail, vela_errno_from

namespace vabi {

using off_t = long;
using ssize_t = long;

#if defined(__linux)
// picolibc's struct stat on 64-bit Linux-ABI targets (sys/stat.h, __linux):
// 120 bytes; tests/vela/fs_test.c checks the offsets from the C side.
struct stat {
  std::uint64_t st_dev;
  std::uint64_t st_ino;
  std::uint32_t st_mode;
  std::uint16_t st_nlink;
  std::uint16_t pad0;
  std::uint32_t st_uid;
  std::uint32_t st_gid;
  std::uint64_t st_rdev;
  std::uint16_t pad1;
  std::uint16_t pad2[3];
  long st_size;
  long st_blksize;
  long st_blocks;
  timespec st_atim, st_mtim, st_ctim;
};
static_assert(sizeof(stat) == 120 && __builtin_offsetof(stat, st_size) == 48);
#else
// picolibc's struct stat elsewhere (newlib's layout; arm-none-eabi): 16-bit
// dev/ino/nlink/uid/gid, 88 bytes on 32-bit Arm.
struct stat {
  std::uint16_t st_dev;
  std::uint16_t st_ino;
  std::uint32_t st_mode;
  std::uint16_t st_nlink;
  std::uint16_t st_uid;
  std::uint16_t st_gid;
  std::uint16_t st_rdev;
  long st_size;
  timespec st_atim, st_mtim, st_ctim;
  long st_blksize;
  long st_blocks;
  long st_spare4[2];
};
static_assert(sizeof(void*) != 4 ||
              (sizeof(stat) == 88 && __builtin_offsetof(stat, st_size) == 16 &&
               __builtin_offsetof(stat, st_mtim) == 40));
#endif

struct iovec {
  void* iov_base;
  std::size_t iov_len;
};

// picolibc open(2) flags (sys/_default_fcntl.h), where they differ from the
// Linux values fs/ uses.
inline constexpr int kOAccmode = 3;
inline constexpr int kOCreatP = 0x0040, kOTruncP = 0x0200, kOAppendP = 0x0400;
inline constexpr int kOExclP = 0x0800, kONonblockP = 0x4000, kONocttyP = 0x8000;
inline constexpr int kOCloexecP = 0x40000, kONofollowP = 0x100000, kODirectoryP = 0x200000;
inline constexpr int kFDupfdCloexec = 14;
inline constexpr int kAtFdcwd = -2;
inline constexpr int kAtRemovedir = 8;
inline constexpr int kAtSymlinkNofollow = 2;
inline constexpr int kFOk = 0;

// NuttX's struct pollfd (fs/nuttx_driver.h is the one definition).
struct pollfd {
  int fd;
  std::uint32_t events;
  std::uint32_t revents;
  void* arg;
  void* cb;
  void* priv;
};

}  // namespace vabi

namespace vela {

// The calling task's filesystem context (root, cwd, descriptor table).
fs::FsContext& current_fs();

// picolibc open flags <-> fs::oflag.
int oflags_to_fs(int flags);
int oflags_from_fs(int flags);

void stat_to_abi(const fs::Stat& in, vabi::stat* out);

// Returns the value or fails with errno set (-1).
template <typename T>
long ret_or_fail(const klib::Result<T>& r) {
  if (!r.ok()) return fail(r.error());
  return static_cast<long>(r.value());
}
inline int ret_or_fail(const klib::Result<void>& r) { return r.ok() ? 0 : fail(r.error()); }

// Runs fn(ctx) with `dirfd` as the working directory for a relative path
// (the *at() calls); AT_FDCWD and absolute paths use the task's context.
template <typename Fn>
auto at_dir(int dirfd, const char* path, Fn&& fn) -> decltype(fn(current_fs())) {
  fs::FsContext& ctx = current_fs();
  if (dirfd == vabi::kAtFdcwd || !path || path[0] == '/') return fn(ctx);
  auto f = ctx.fds ? ctx.fds->get(dirfd) : klib::Result<fs::OpenFile*>(klib::Err(Error::BADF));
  if (!f) return klib::Err(f.error());
  fs::OpenFile* file = *f;
  if (file->vnode->type != fs::VType::Directory) {
    fs::file_put(file);
    return klib::Err(Error::NOTDIR);
  }
  fs::FsContext tmp;
  fs::context_copy(tmp, ctx);
  fs::context_set_cwd(tmp, file->vnode);
  fs::file_put(file);
  auto r = fn(tmp);
  fs::context_release(tmp);
  return r;
}

}  // namespace vela
