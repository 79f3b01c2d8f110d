// Helpers shared by the file system call families (fs.cpp, fs_dir.cpp,
// fs_io.cpp, ioctl.cpp): descriptor references, path arguments, *at()
// directory contexts, the kernel bounce buffer and struct stat.
#pragma once

#include <fs/vfs.hpp>
#include <kernel/process.hpp>
#include <mm/heap.hpp>
#include <mm/usercopy.hpp>

#include "../linux_process.hpp"

namespace linux_compat {

inline constexpr std::size_t kBounce = 64 * 1024;  // one read/write moves at most this per step
inline constexpr int kAtFdcwd = -100;
inline constexpr int kAtSymlinkNofollow = 0x100;
inline constexpr int kAtRemovedir = 0x200;
inline constexpr int kAtEaccess = 0x200;  // faccessat's own meaning of 0x200
inline constexpr int kAtSymlinkFollow = 0x400;
inline constexpr int kAtEmptyPath = 0x1000;

inline fs::FsContext& files() { return kernel::process_files(kernel::current_process()); }

// The description behind fd with a reference, released at scope end.
struct FileRef {
  fs::OpenFile* f = nullptr;
  FileRef() = default;
  FileRef(const FileRef&) = delete;
  FileRef& operator=(const FileRef&) = delete;
  ~FileRef() {
    if (f) fs::file_put(f);
  }
};

inline klib::Result<void> get_file(int fd, FileRef* out) {
  fs::FsContext& ctx = files();
  if (!ctx.fds) return klib::Err(klib::Error::BADF);
  out->f = TRY(ctx.fds->get(fd));
  return klib::ok();
}

struct Bounce {
  unsigned char* p = static_cast<unsigned char*>(mm::kmalloc(kBounce));
  Bounce() = default;
  Bounce(const Bounce&) = delete;
  Bounce& operator=(const Bounce&) = delete;
  ~Bounce() { mm::kfree(p); }
};

// A path argument: copied in, NAMETOOLONG/FAULT as Linux reports them.
inline klib::Result<void> get_path(std::uintptr_t upath, char* buf) {
  auto n = mm::strncpy_from_user(buf, upath, fs::kPathMax);
  if (!n.ok()) return klib::Err(n.error());
  return klib::ok();
}

struct PathBuf {
  char* p = static_cast<char*>(mm::kmalloc(fs::kPathMax));
  PathBuf() = default;
  PathBuf(const PathBuf&) = delete;
  PathBuf& operator=(const PathBuf&) = delete;
  ~PathBuf() { mm::kfree(p); }
};

// The *at() calls: a relative path is walked from the directory behind
// dirfd (AT_FDCWD: the working directory). The context is a copy of the
// process's with that directory as cwd; the held description keeps the
// vnode alive while it is used.
struct AtContext {
  fs::FsContext ctx;
  FileRef dir;
};

inline klib::Result<void> at_context(int dirfd, const char* path, AtContext* out) {
  out->ctx = files();
  if (path[0] == '/' || dirfd == kAtFdcwd) return klib::ok();
  TRY(get_file(dirfd, &out->dir));
  if (!out->dir.f->vnode || out->dir.f->vnode->type != fs::VType::Directory)
    return klib::Err(klib::Error::NOTDIR);
  out->ctx.cwd = out->dir.f->vnode;
  return klib::ok();
}

// A path argument copied in and its *at() context, in one step: the error
// is the Linux return value, 0 on success.
struct AtPath {
  PathBuf path;
  AtContext at;
  long load(int dirfd, std::uintptr_t upath) {
    if (!path.p) return err(klib::Error::NOMEM);
    if (auto r = get_path(upath, path.p); !r.ok()) return ret(r);
    return ret(at_context(dirfd, path.p, &at));
  }
};

// struct stat (asm-generic) of s into user memory.
long put_stat(std::uintptr_t ubuf, const fs::Stat& s);

}  // namespace linux_compat
