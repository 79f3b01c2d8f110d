// cpio "newc" unpacker for the initramfs. Every length in the archive is
// checked against the buffer before it is used, so a hostile or truncated
// archive ends in INVAL plus a message, never in a read past the end.
#include <fs/cpio.hpp>
#include <fs/vfs.hpp>

namespace fs {
namespace {

using klib::Err;
using klib::Error;
using klib::Result;

constexpr std::size_t kHeader = 110;
enum Field {
  kIno,
  kMode,
  kUid,
  kGid,
  kNlink,
  kMtime,
  kFileSize,
  kDevMajor,
  kDevMinor,
  kRdevMajor,
  kRdevMinor,
  kNameSize,
  kCheck,
  kFields
};

std::size_t align4(std::size_t x) { return (x + 3) & ~std::size_t{3}; }

bool parse_hex(const char* s, std::uint32_t* out) {
  std::uint32_t v = 0;
  for (int i = 0; i < 8; ++i) {
    const char c = s[i];
    std::uint32_t d;
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      d = c - 'A' + 10;
    else
      return false;
    v = v << 4 | d;
  }
  *out = v;
  return true;
}

Result<void> fail(CpioReport* r, std::size_t off, const char* msg) {
  r->offset = off;
  r->message = msg;
  return Err(Error::INVAL);
}

// mkdir -p for the directories above `path` (a mutable copy).
void make_parents(const FsContext& ctx, char* path) {
  for (char* p = path + 1; *p; ++p) {
    if (*p != '/') continue;
    *p = '\0';
    (void)mkdir(ctx, path, 0755);  // EXIST is the common case
    *p = '/';
  }
}

Result<void> write_file(const FsContext& ctx, const char* path, std::uint32_t mode,
                        const unsigned char* data, std::size_t size) {
  OpenFile* f = TRY(open_file(ctx, path, oflag::WRONLY | oflag::CREAT | oflag::TRUNC, mode));
  std::size_t done = 0;
  Error err{};
  while (done < size) {
    auto n = file_write(f, data + done, size - done);
    if (!n || *n == 0) {
      err = n ? Error::NOSPC : n.error();
      break;
    }
    done += *n;
  }
  file_put(f);
  if (done < size) return Err(err);
  return chmod(ctx, path, mode);  // open applied the umask; the archive's mode wins
}

Result<void> extract(const FsContext& ctx, char* path, const std::uint32_t* h,
                     const unsigned char* data, CpioReport* r) {
  const std::uint32_t m = h[kMode];
  const std::uint32_t perm = m & mode::PERM;
  make_parents(ctx, path);
  switch (m & mode::IFMT) {
    case mode::IFDIR: {
      auto d = mkdir(ctx, path, perm);
      if (!d && d.error() != Error::EXIST) return d;
      ++r->dirs;
      return chmod(ctx, path, perm);
    }
    case mode::IFREG:
      ++r->files;
      return write_file(ctx, path, perm, data, h[kFileSize]);
    case mode::IFLNK: {
      char* target = static_cast<char*>(alloc(h[kFileSize] + 1));
      if (!target) return Err(Error::NOMEM);
      __builtin_memcpy(target, data, h[kFileSize]);
      target[h[kFileSize]] = '\0';
      (void)unlink(ctx, path);  // a later entry replaces an earlier one
      auto s = symlink(ctx, target, path);
      free(target);
      if (s) ++r->symlinks;
      return s;
    }
    case mode::IFCHR:
    case mode::IFBLK:
    case mode::IFIFO: {
      const std::uint64_t rdev = (std::uint64_t(h[kRdevMajor]) << 32) | h[kRdevMinor];
      auto n = mknod(ctx, path, m, rdev);
      if (n) ++r->nodes;
      return n;
    }
    default:
      return Err(Error::INVAL);  // sockets and unknown types are not unpacked
  }
}

}  // namespace

Result<void> cpio_unpack(const FsContext& ctx, const void* archive, std::size_t len,
                         CpioReport* report) {
  CpioReport dummy;
  CpioReport* r = report ? report : &dummy;
  *r = {};
  const auto* base = static_cast<const unsigned char*>(archive);
  std::size_t off = 0;
  char* path = static_cast<char*>(alloc(kPathMax + 1));
  if (!path) return Err(Error::NOMEM);
  Result<void> result = klib::ok();
  bool trailer_seen = false;
  while (off < len) {
    if (trailer_seen && base[off] == 0) {  // padding between concatenated archives
      ++off;
      continue;
    }
    trailer_seen = false;
    if (len - off < kHeader) {
      result = fail(r, off, "truncated header");
      break;
    }
    const char* hdr = reinterpret_cast<const char*>(base + off);
    if (__builtin_memcmp(hdr, "07070", 5) != 0 || (hdr[5] != '1' && hdr[5] != '2')) {
      result = fail(r, off, "bad magic (not a newc archive)");
      break;
    }
    std::uint32_t h[kFields];
    bool hex_ok = true;
    for (int i = 0; i < kFields && hex_ok; ++i)
      hex_ok = parse_hex(hdr + 6 + std::ptrdiff_t{8} * i, &h[i]);
    if (!hex_ok) {
      result = fail(r, off, "non-hex header field");
      break;
    }
    const std::size_t name_at = off + kHeader;
    if (h[kNameSize] == 0 || h[kNameSize] > len - name_at) {
      result = fail(r, off, "name extends past the end of the archive");
      break;
    }
    const char* name = reinterpret_cast<const char*>(base + name_at);
    if (name[h[kNameSize] - 1] != '\0' || __builtin_strlen(name) + 1 != h[kNameSize]) {
      result = fail(r, off, "name is not NUL-terminated");
      break;
    }
    std::size_t data_at = align4(name_at + h[kNameSize]);
    if (h[kFileSize] == 0 && data_at > len) data_at = len;  // unpadded last entry
    if (data_at > len || h[kFileSize] > len - data_at) {
      result = fail(r, off, "file data extends past the end of the archive");
      break;
    }
    if (__builtin_strcmp(name, "TRAILER!!!") == 0) {
      trailer_seen = true;
      off = align4(data_at + h[kFileSize]);
      continue;
    }
    // Archive paths are relative ("./a", "a" or "/a" all mean <root>/a).
    while (name[0] == '.' && name[1] == '/') name += 2;
    while (name[0] == '/') ++name;
    if (name[0] && !(name[0] == '.' && name[1] == '\0')) {
      if (__builtin_strlen(name) + 1 >= kPathMax) {
        result = fail(r, off, "name longer than PATH_MAX");
        break;
      }
      path[0] = '/';
      __builtin_memcpy(path + 1, name, __builtin_strlen(name) + 1);
      auto e = extract(ctx, path, h, base + data_at, r);
      if (!e) {
        r->offset = off;
        r->message = "cannot create an entry";
        result = klib::Err(e.error());
        break;
      }
    }
    off = align4(data_at + h[kFileSize]);
  }
  if (result && !trailer_seen && !r->message) result = fail(r, off, "no TRAILER!!! entry");
  free(path);
  return result;
}

}  // namespace fs
