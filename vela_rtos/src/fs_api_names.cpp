// The POSIX path-name calls for Vela applications: stat, mkdir, unlink,
// rename, links, FIFOs, the working directory, access, mount/umount and the
// directory streams (opendir/readdir), over fs/ on the caller's context.
#include <fs/fdtable.hpp>
#include <fs/mount.hpp>
#include <mm/heap.hpp>

#include "fs_api_internal.hpp"

namespace vabi {
// vela_rtos/include/sys/dirent.h; d_ino is picolibc's ino_t (16-bit in
// newlib's layout, as struct stat in fs_api_internal.hpp).
struct dirent {
#if defined(__linux)
  unsigned long d_ino;
#else
  std::uint16_t d_ino;
#endif
  unsigned char d_type;
  char d_name[256];
};
}  // namespace vabi

namespace vela {
namespace {

struct Dir {
  int fd;
  fs::DirEntry entry;
  vabi::dirent out;
};

int stat_common(const char* path, vabi::stat* st, bool follow) {
  if (!path || !st) return fail(Error::FAULT);
  auto r = follow ? fs::stat(current_fs(), path) : fs::lstat(current_fs(), path);
  if (!r) return fail(r.error());
  stat_to_abi(*r, st);
  return 0;
}

}  // namespace
}  // namespace vela

using namespace vela;

VELA_API(int, stat, const char* path, vabi::stat* st) { return stat_common(path, st, true); }
VELA_API(int, lstat, const char* path, vabi::stat* st) { return stat_common(path, st, false); }

VELA_API(int, mkdir, const char* path, unsigned int mode) {
  if (!path) return fail(Error::FAULT);
  return ret_or_fail(fs::mkdir(current_fs(), path, mode));
}

VELA_API(int, rmdir, const char* path) {
  if (!path) return fail(Error::FAULT);
  return ret_or_fail(fs::rmdir(current_fs(), path));
}

VELA_API(int, unlink, const char* path) {
  if (!path) return fail(Error::FAULT);
  return ret_or_fail(fs::unlink(current_fs(), path));
}

VELA_API(int, rename, const char* from, const char* to) {
  if (!from || !to) return fail(Error::FAULT);
  return ret_or_fail(fs::rename(current_fs(), from, to));
}

VELA_API(int, link, const char* existing, const char* path) {
  if (!existing || !path) return fail(Error::FAULT);
  return ret_or_fail(fs::link(current_fs(), existing, path));
}

VELA_API(int, symlink, const char* target, const char* path) {
  if (!target || !path) return fail(Error::FAULT);
  return ret_or_fail(fs::symlink(current_fs(), target, path));
}

VELA_API(long, readlink, const char* path, char* buf, std::size_t cap) {
  if (!path || !buf) return fail(Error::FAULT);
  if (cap == 0) return fail(Error::INVAL);
  return ret_or_fail(fs::readlink(current_fs(), path, buf, cap));
}

VELA_API(int, mkfifo, const char* path, unsigned int mode) {
  if (!path) return fail(Error::FAULT);
  return ret_or_fail(fs::mkfifo(current_fs(), path, mode));
}

VELA_API(int, truncate, const char* path, long size) {
  if (!path) return fail(Error::FAULT);
  if (size < 0) return fail(Error::INVAL);
  return ret_or_fail(fs::truncate(current_fs(), path, size));
}

VELA_API(int, chmod, const char* path, unsigned int mode) {
  if (!path) return fail(Error::FAULT);
  return ret_or_fail(fs::chmod(current_fs(), path, mode & fs::mode::PERM));
}

VELA_API(int, chdir, const char* path) {
  if (!path) return fail(Error::FAULT);
  return ret_or_fail(fs::chdir(current_fs(), path));
}

VELA_API(int, fchdir, int fd) { return ret_or_fail(fs::fchdir(current_fs(), fd)); }

VELA_API(char*, getcwd, char* buf, std::size_t size) {
  if (!buf || size == 0) {
    fail(Error::INVAL);
    return nullptr;
  }
  auto r = fs::getcwd(current_fs(), buf, size);
  if (!r) {
    fail(r.error());
    return nullptr;
  }
  return buf;
}

// Tasks run as root (uid 0): read and write are always granted, execute
// needs an x bit (or a directory, which root may always search).
VELA_API(int, access, const char* path, int mode) {
  if (!path) return fail(Error::FAULT);
  if (mode & ~7) return fail(Error::INVAL);
  auto r = fs::stat(current_fs(), path);
  if (!r) return fail(r.error());
  const bool dir = (r->mode & fs::mode::IFMT) == fs::mode::IFDIR;
  if ((mode & 1) && !dir && !(r->mode & 0111)) return fail(Error::ACCES);
  return 0;
}

VELA_API(int, unlinkat, int dirfd, const char* path, int flags) {
  if (!path) return fail(Error::FAULT);
  if (flags & ~vabi::kAtRemovedir) return fail(Error::INVAL);
  return ret_or_fail(at_dir(dirfd, path, [&](fs::FsContext& c) {
    return (flags & vabi::kAtRemovedir) ? fs::rmdir(c, path) : fs::unlink(c, path);
  }));
}

VELA_API(int, mkdirat, int dirfd, const char* path, unsigned int mode) {
  if (!path) return fail(Error::FAULT);
  return ret_or_fail(
      at_dir(dirfd, path, [&](fs::FsContext& c) { return fs::mkdir(c, path, mode); }));
}

VELA_API(int, fstatat, int dirfd, const char* path, vabi::stat* st, int flags) {
  if (!path || !st) return fail(Error::FAULT);
  auto r = at_dir(dirfd, path, [&](fs::FsContext& c) {
    return (flags & vabi::kAtSymlinkNofollow) ? fs::lstat(c, path) : fs::stat(c, path);
  });
  if (!r) return fail(r.error());
  stat_to_abi(*r, st);
  return 0;
}

// NuttX: mount(source, target, filesystemtype, mountflags, data).
VELA_API(int, mount, const char* source, const char* target, const char* fstype, unsigned long,
         const void* data) {
  if (!target || !fstype) return fail(Error::FAULT);
  return ret_or_fail(fs::mount(current_fs(), source ? source : "none", target, fstype, data));
}

VELA_API(int, umount2, const char* target, unsigned int flags) {
  if (!target) return fail(Error::FAULT);
  if (flags) return fail(Error::INVAL);  // no forced or lazy unmounts
  return ret_or_fail(fs::umount(current_fs(), target));
}

VELA_API(int, umount, const char* target) {
  if (!target) return fail(Error::FAULT);
  return ret_or_fail(fs::umount(current_fs(), target));
}

// --- directory streams ------------------------------------------------------

VELA_API(void*, fdopendir, int fd) {
  auto st = fs::fstat(current_fs(), fd);
  if (!st) {
    fail(st.error());
    return nullptr;
  }
  if ((st->mode & fs::mode::IFMT) != fs::mode::IFDIR) {
    fail(Error::NOTDIR);
    return nullptr;
  }
  auto* d = static_cast<Dir*>(mm::kzalloc(sizeof(Dir)));
  if (!d) {
    fail(Error::NOMEM);
    return nullptr;
  }
  d->fd = fd;
  return d;
}

VELA_API(void*, opendir, const char* path) {
  if (!path) {
    fail(Error::FAULT);
    return nullptr;
  }
  const int flags = fs::oflag::RDONLY | fs::oflag::DIRECTORY | fs::oflag::CLOEXEC;
  auto fd = fs::open(current_fs(), path, flags);
  if (!fd) {
    fail(fd.error());
    return nullptr;
  }
  void* d = vela_fdopendir(*fd);
  if (!d) (void)fs::close(current_fs(), *fd);
  return d;
}

VELA_API(vabi::dirent*, readdir, void* dir) {
  auto* d = static_cast<Dir*>(dir);
  if (!d) {
    fail(Error::BADF);
    return nullptr;
  }
  auto n = fs::getdents(current_fs(), d->fd, &d->entry, 1);
  if (!n) {
    fail(n.error());
    return nullptr;
  }
  if (*n == 0) return nullptr;  // the end: errno unchanged
  d->out.d_ino = d->entry.ino;
  d->out.d_type = fs::dirent_type(d->entry.type);
  __builtin_strncpy(d->out.d_name, d->entry.name, sizeof d->out.d_name - 1);
  d->out.d_name[sizeof d->out.d_name - 1] = '\0';
  return &d->out;
}

VELA_API(void, rewinddir, void* dir) {
  if (auto* d = static_cast<Dir*>(dir)) (void)fs::lseek(current_fs(), d->fd, 0, fs::whence::SET);
}

VELA_API(int, dirfd, void* dir) {
  if (!dir) return fail(Error::INVAL);
  return static_cast<Dir*>(dir)->fd;
}

VELA_API(int, closedir, void* dir) {
  auto* d = static_cast<Dir*>(dir);
  if (!d) return fail(Error::BADF);
  auto r = fs::close(current_fs(), d->fd);
  mm::kfree(d);
  return ret_or_fail(r);
}
