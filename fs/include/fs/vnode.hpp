// Vnodes (one per file object a filesystem exposes), their operation tables,
// superblocks and open file descriptions. Filesystems fill VnodeOps (names and
// attributes) and FileOps (what an open file does); the VFS never looks inside
// Vnode::priv.
#pragma once

#include <fs/types.hpp>
#include <klib/result.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>

struct file;  // NuttX view of an open file (fs/nuttx_driver.h)

namespace fs {

struct Vnode;
struct OpenFile;
struct Superblock;
struct Mount;
class PollTable;

// A name inside a path: not NUL-terminated.
struct Name {
  const char* s;
  std::size_t len;
  bool is(const char* lit) const;
};

struct SetAttr {
  enum : unsigned { kMode = 1, kUid = 2, kGid = 4, kAtime = 8, kMtime = 16 };
  unsigned mask = 0;
  std::uint32_t mode = 0;  // permission bits only
  std::uint32_t uid = 0, gid = 0;
  Timespec atime, mtime;
};

// Namespace and attribute operations. Every Vnode* result carries a new
// reference. Absent entries mean "not supported" (PERM for namespace changes,
// INVAL otherwise). Filesystems lock internally; the VFS holds no lock across
// these calls.
struct VnodeOps {
  klib::Result<Vnode*> (*lookup)(Vnode* dir, Name name);  // also "." and ".."
  // Regular files, FIFOs and device nodes (mknod). mode includes type bits.
  klib::Result<Vnode*> (*create)(Vnode* dir, Name name, std::uint32_t mode, std::uint64_t rdev);
  klib::Result<Vnode*> (*mkdir)(Vnode* dir, Name name, std::uint32_t mode);
  klib::Result<Vnode*> (*symlink)(Vnode* dir, Name name, const char* target);
  klib::Result<void> (*link)(Vnode* dir, Name name, Vnode* target);
  klib::Result<void> (*unlink)(Vnode* dir, Name name);  // never a directory
  klib::Result<void> (*rmdir)(Vnode* dir, Name name);
  klib::Result<void> (*rename)(Vnode* from_dir, Name from, Vnode* to_dir, Name to);
  klib::Result<std::size_t> (*readlink)(Vnode* v, char* buf, std::size_t cap);
  // cookie starts at 0; returns false at the end.
  klib::Result<bool> (*readdir)(Vnode* dir, std::uint64_t* cookie, DirEntry* out);
  klib::Result<void> (*setattr)(Vnode* v, const SetAttr& attr);
  klib::Result<void> (*truncate)(Vnode* v, std::uint64_t size);
  // The last reference went away: free the vnode (and its data if unlinked).
  void (*release)(Vnode* v);
};

// What an open file does. *pos is the file position, advanced by the callee
// (pread passes a copy). Absent read/write give INVAL; absent poll means
// "always ready for what the access mode allows".
struct FileOps {
  klib::Result<void> (*open)(OpenFile* f);
  void (*close)(OpenFile* f);  // last reference to the description dropped
  klib::Result<std::size_t> (*read)(OpenFile* f, void* buf, std::size_t n, std::uint64_t* pos);
  klib::Result<std::size_t> (*write)(OpenFile* f, const void* buf, std::size_t n,
                                     std::uint64_t* pos);
  // Drivers that keep their own notion of position; others use the VFS's.
  klib::Result<std::uint64_t> (*seek)(OpenFile* f, std::int64_t off, int whence);
  klib::Result<long> (*ioctl)(OpenFile* f, unsigned long cmd, unsigned long arg);
  // Current readiness (pollev::*); registers with pt's waiter when pt != null.
  short (*poll)(OpenFile* f, PollTable* pt);
  bool seekable;  // false: lseek gives SPIPE
};

struct Superblock {
  const char* fstype;  // "tmpfs"
  std::uint64_t dev;
  Vnode* root = nullptr;
  void* priv = nullptr;
  Mount* mount = nullptr;                  // where it is mounted, if anywhere
  std::atomic<int> pins{0};                // open files and cwds inside: umount says BUSY
  void (*kill)(Superblock* sb) = nullptr;  // after umount, when unused
};

struct Vnode {
  std::atomic<int> refs{1};
  VType type = VType::None;
  std::uint32_t mode = 0;  // type bits | permissions
  std::uint32_t uid = 0, gid = 0;
  std::uint32_t nlink = 1;
  std::uint64_t ino = 0;
  std::uint64_t size = 0;
  std::uint64_t rdev = 0;
  Timespec atime, mtime, ctime;
  const VnodeOps* ops = nullptr;
  const FileOps* fops = nullptr;
  Superblock* sb = nullptr;
  void* priv = nullptr;           // the filesystem's
  void* file_priv = nullptr;      // open-time state shared by opens (pipe of a FIFO, driver)
  Mount* mounted_here = nullptr;  // a filesystem mounted on this directory
};

// Takes / drops a reference. put() on the last reference calls ops->release.
Vnode* vnode_get(Vnode* v);
void vnode_put(Vnode* v);
// Initialises common fields of a fresh vnode (refs 1, times now).
void vnode_init(Vnode* v, Superblock* sb, VType type, std::uint32_t perm, std::uint64_t ino);
void vnode_touch(Vnode* v, bool modify);  // atime, or mtime+ctime
Stat vnode_stat(const Vnode* v);
bool name_valid(Name n);  // non-empty, no '/', not "." or ".."

// An open file description (shared by dup'ed fds and across fork).
struct OpenFile {
  std::atomic<int> refs{1};
  Vnode* vnode = nullptr;
  const FileOps* fops = nullptr;
  std::uint64_t pos = 0;
  int flags = 0;                 // access mode | APPEND | NONBLOCK (status flags)
  void* priv = nullptr;          // per-open state of the filesystem or driver
  struct file* nuttx = nullptr;  // set for NuttX drivers (fs/nuttx_driver.h)

  bool readable() const { return (flags & oflag::ACCMODE) != oflag::WRONLY; }
  bool writable() const { return (flags & oflag::ACCMODE) != oflag::RDONLY; }
  bool nonblocking() const { return flags & oflag::NONBLOCK; }
};

// Opens vnode `v` (taking a new reference and a superblock pin) with `flags`:
// picks v->fops and runs its open hook.
klib::Result<OpenFile*> file_open_vnode(Vnode* v, int flags);
OpenFile* file_get(OpenFile* f);
void file_put(OpenFile* f);  // last put: close hook, vnode_put, unpin

}  // namespace fs
