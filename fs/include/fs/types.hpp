// VFS constants and plain data types shared by both personalities. Flag and
// mode values are the Linux asm-generic ABI values so the Linux layer can pass
// them through (NOTE: arm64 Linux overrides O_DIRECTORY/O_NOFOLLOW/O_DIRECT/
// O_LARGEFILE; the aarch64 syscall layer must translate those four).
#pragma once

#include <cstddef>
#include <cstdint>

namespace fs {

inline constexpr std::size_t kPathMax = 4096;  // including the NUL
inline constexpr std::size_t kNameMax = 255;
inline constexpr int kSymlinkMax = 40;  // links followed per walk, then LOOP

// Names are scoped (fs::oflag::CREAT) because the host C library defines the
// bare POSIX names as macros and host tests include both.
namespace oflag {  // open(2) flags (octal, asm-generic)
inline constexpr int ACCMODE = 03;
inline constexpr int RDONLY = 00;
inline constexpr int WRONLY = 01;
inline constexpr int RDWR = 02;
inline constexpr int CREAT = 0100;
inline constexpr int EXCL = 0200;
inline constexpr int NOCTTY = 0400;
inline constexpr int TRUNC = 01000;
inline constexpr int APPEND = 02000;
inline constexpr int NONBLOCK = 04000;
inline constexpr int DIRECTORY = 0200000;
inline constexpr int NOFOLLOW = 0400000;
inline constexpr int CLOEXEC = 02000000;
}  // namespace oflag

namespace mode {  // S_IF* type in the top bits, permissions below
inline constexpr std::uint32_t IFMT = 0170000;
inline constexpr std::uint32_t IFSOCK = 0140000;
inline constexpr std::uint32_t IFLNK = 0120000;
inline constexpr std::uint32_t IFREG = 0100000;
inline constexpr std::uint32_t IFBLK = 0060000;
inline constexpr std::uint32_t IFDIR = 0040000;
inline constexpr std::uint32_t IFCHR = 0020000;
inline constexpr std::uint32_t IFIFO = 0010000;
inline constexpr std::uint32_t PERM = 07777;
}  // namespace mode

namespace whence {
inline constexpr int SET = 0;
inline constexpr int CUR = 1;
inline constexpr int END = 2;
}  // namespace whence

namespace fcntl_op {
inline constexpr int DUPFD = 0;
inline constexpr int GETFD = 1;
inline constexpr int SETFD = 2;
inline constexpr int GETFL = 3;
inline constexpr int SETFL = 4;
inline constexpr int DUPFD_CLOEXEC = 1030;
}  // namespace fcntl_op
inline constexpr int kFdCloexec = 1;  // FD_CLOEXEC

namespace pollev {
inline constexpr short IN = 0x001;
inline constexpr short PRI = 0x002;
inline constexpr short OUT = 0x004;
inline constexpr short ERR = 0x008;
inline constexpr short HUP = 0x010;
inline constexpr short NVAL = 0x020;
}  // namespace pollev

enum class VType : std::uint8_t { None, Regular, Directory, CharDev, BlockDev, Fifo, Symlink };

constexpr std::uint32_t type_bits(VType t) {
  switch (t) {
    case VType::Regular:
      return mode::IFREG;
    case VType::Directory:
      return mode::IFDIR;
    case VType::CharDev:
      return mode::IFCHR;
    case VType::BlockDev:
      return mode::IFBLK;
    case VType::Fifo:
      return mode::IFIFO;
    case VType::Symlink:
      return mode::IFLNK;
    default:
      return 0;
  }
}
// A directory entry's d_type (DT_* of Linux and of POSIX <dirent.h>): both
// define it as st_mode's file-type bits shifted down by 12.
constexpr unsigned char dirent_type(VType t) {
  return static_cast<unsigned char>(type_bits(t) >> 12);
}
static_assert(dirent_type(VType::Regular) == 8 && dirent_type(VType::Directory) == 4 &&
              dirent_type(VType::Symlink) == 10 && dirent_type(VType::Fifo) == 1 &&
              dirent_type(VType::CharDev) == 2 && dirent_type(VType::BlockDev) == 6 &&
              dirent_type(VType::None) == 0);

constexpr VType vtype_from_mode(std::uint32_t m) {
  switch (m & mode::IFMT) {
    case mode::IFREG:
      return VType::Regular;
    case mode::IFDIR:
      return VType::Directory;
    case mode::IFCHR:
      return VType::CharDev;
    case mode::IFBLK:
      return VType::BlockDev;
    case mode::IFIFO:
      return VType::Fifo;
    case mode::IFLNK:
      return VType::Symlink;
    default:
      return VType::None;
  }
}

struct Timespec {
  std::int64_t sec = 0;
  std::int64_t nsec = 0;
};

// The kernel's stat; each personality converts it to its own ABI layout.
struct Stat {
  std::uint64_t dev;
  std::uint64_t ino;
  std::uint32_t mode;  // type bits | permissions (fs::mode::*)
  std::uint32_t nlink;
  std::uint32_t uid;
  std::uint32_t gid;
  std::uint64_t rdev;
  std::uint64_t size;
  std::uint32_t blksize;
  std::uint64_t blocks;  // 512-byte units
  Timespec atime, mtime, ctime;
};

// One directory entry as getdents-like iteration returns it.
struct DirEntry {
  std::uint64_t ino;
  VType type;
  char name[kNameMax + 1];
};

}  // namespace fs
