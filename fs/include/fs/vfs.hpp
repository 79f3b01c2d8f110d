// Syscall-level helpers shared by both personalities: each takes the
// caller's FsContext (root, cwd, fd table) and returns klib::Result with the
// errno the system call reports. Pointers are kernel pointers: the syscall
// layer copies user memory in and out around these.
#pragma once

#include <fs/fdtable.hpp>
#include <fs/path.hpp>
#include <fs/types.hpp>
#include <fs/vnode.hpp>
#include <klib/result.hpp>

#include <cstddef>
#include <cstdint>

namespace fs {

// --- descriptors --------------------------------------------------------
klib::Result<int> open(FsContext& ctx, const char* path, int flags, std::uint32_t mode = 0666);
// Opens without a descriptor (kernel-internal users, e.g. the cpio unpacker).
klib::Result<OpenFile*> open_file(const FsContext& ctx, const char* path, int flags,
                                  std::uint32_t mode = 0666);
klib::Result<void> close(FsContext& ctx, int fd);
klib::Result<std::size_t> read(FsContext& ctx, int fd, void* buf, std::size_t n);
klib::Result<std::size_t> write(FsContext& ctx, int fd, const void* buf, std::size_t n);
klib::Result<std::size_t> pread(FsContext& ctx, int fd, void* buf, std::size_t n, std::int64_t off);
klib::Result<std::size_t> pwrite(FsContext& ctx, int fd, const void* buf, std::size_t n,
                                 std::int64_t off);
klib::Result<std::uint64_t> lseek(FsContext& ctx, int fd, std::int64_t off, int whence);
klib::Result<long> ioctl(FsContext& ctx, int fd, unsigned long cmd, unsigned long arg);
klib::Result<Stat> fstat(FsContext& ctx, int fd);
klib::Result<void> ftruncate(FsContext& ctx, int fd, std::int64_t size);
// Fills up to `max` entries from the directory's current position; 0 at the end.
klib::Result<std::size_t> getdents(FsContext& ctx, int fd, DirEntry* out, std::size_t max);
klib::Result<void> fchdir(FsContext& ctx, int fd);
// pipe(2): fds[0] read end, fds[1] write end; flags O_NONBLOCK|O_CLOEXEC.
klib::Result<void> pipe(FsContext& ctx, int fds[2], int flags = 0);

// The same on an OpenFile (no descriptor table involved).
klib::Result<std::size_t> file_read(OpenFile* f, void* buf, std::size_t n);
klib::Result<std::size_t> file_write(OpenFile* f, const void* buf, std::size_t n);
klib::Result<std::size_t> file_pread(OpenFile* f, void* buf, std::size_t n, std::uint64_t off);
klib::Result<std::size_t> file_pwrite(OpenFile* f, const void* buf, std::size_t n,
                                      std::uint64_t off);
klib::Result<std::uint64_t> file_lseek(OpenFile* f, std::int64_t off, int whence);
klib::Result<std::size_t> file_getdents(OpenFile* f, DirEntry* out, std::size_t max);

// --- names ----------------------------------------------------------------
klib::Result<Stat> stat(const FsContext& ctx, const char* path);
klib::Result<Stat> lstat(const FsContext& ctx, const char* path);
klib::Result<void> mkdir(const FsContext& ctx, const char* path, std::uint32_t mode = 0777);
klib::Result<void> rmdir(const FsContext& ctx, const char* path);
klib::Result<void> unlink(const FsContext& ctx, const char* path);
klib::Result<void> rename(const FsContext& ctx, const char* from, const char* to);
klib::Result<void> link(const FsContext& ctx, const char* existing, const char* path);
klib::Result<void> symlink(const FsContext& ctx, const char* target, const char* path);
klib::Result<std::size_t> readlink(const FsContext& ctx, const char* path, char* buf,
                                   std::size_t cap);
klib::Result<void> mknod(const FsContext& ctx, const char* path, std::uint32_t mode,
                         std::uint64_t rdev);
klib::Result<void> mkfifo(const FsContext& ctx, const char* path, std::uint32_t mode = 0666);
klib::Result<void> truncate(const FsContext& ctx, const char* path, std::int64_t size);
klib::Result<void> chmod(const FsContext& ctx, const char* path, std::uint32_t mode);
klib::Result<void> chdir(FsContext& ctx, const char* path);
// NUL-terminated absolute path; returns its length. RANGE if cap is too small.
klib::Result<std::size_t> getcwd(const FsContext& ctx, char* buf, std::size_t cap);

}  // namespace fs
