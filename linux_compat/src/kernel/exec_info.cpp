// What /proc/<pid>/exe and /proc/<pid>/cmdline show for a Linux program:
// recorded when it is spawned or execs. exe is the file's canonical path,
// as Linux shows it: absolute, with every symbolic link resolved (busybox
// re-executes itself through /proc/self/exe and its applet links).
#include <fs/vfs.hpp>
#include <kernel/process.hpp>
#include <mm/heap.hpp>

#include "linux_process.hpp"

namespace linux_compat {
namespace {

// Canonicalises `path` into out (kPathMax bytes): cwd prefix, "." and ".."
// folded, symlinks replaced by their targets. False if it does not resolve.
bool canonical(const fs::FsContext& ctx, const char* path, char* out, char* rest, char* link) {
  std::size_t len = 0;
  if (path[0] != '/') {
    auto n = fs::getcwd(ctx, out, fs::kPathMax);
    if (!n.ok()) return false;
    len = *n == 1 ? 0 : *n;  // "/" adds nothing before the next "/name"
  }
  std::size_t rest_len = __builtin_strlen(path);
  if (rest_len >= fs::kPathMax) return false;
  __builtin_memcpy(rest, path, rest_len + 1);
  int links = 0;
  std::size_t at = 0;
  while (at < rest_len) {
    while (rest[at] == '/') ++at;
    std::size_t end = at;
    while (end < rest_len && rest[end] != '/') ++end;
    const std::size_t n = end - at;
    if (n == 0 || (n == 1 && rest[at] == '.')) {
      at = end;
      continue;
    }
    if (n == 2 && rest[at] == '.' && rest[at + 1] == '.') {
      while (len > 0 && out[len - 1] != '/') --len;
      if (len > 0) --len;
      at = end;
      continue;
    }
    if (len + 1 + n + 1 > fs::kPathMax) return false;
    const std::size_t before = len;
    out[len++] = '/';
    __builtin_memcpy(out + len, rest + at, n);
    len += n;
    out[len] = '\0';
    auto st = fs::lstat(ctx, out);
    if (!st.ok()) return false;
    if ((st->mode & fs::mode::IFMT) != fs::mode::IFLNK) {
      at = end;
      continue;
    }
    if (++links > fs::kSymlinkMax) return false;
    auto t = fs::readlink(ctx, out, link, fs::kPathMax - 1);
    if (!t.ok() || *t == 0) return false;
    link[*t] = '\0';
    // The rest of the path now follows the link's target.
    const std::size_t tail = rest_len - end;
    if (*t + tail + 1 > fs::kPathMax) return false;
    __builtin_memmove(rest + *t, rest + end, tail + 1);
    __builtin_memcpy(rest, link, *t);
    rest_len = *t + tail;
    at = 0;
    len = link[0] == '/' ? 0 : before;  // a relative target is relative to the link's directory
  }
  if (len == 0) out[len++] = '/';
  out[len] = '\0';
  return true;
}

}  // namespace

void record_exec(kernel::Process* p, const char* path, const char* const* argv) {
  auto* buf = static_cast<char*>(mm::kmalloc(3 * fs::kPathMax));
  if (!buf) return;
  // The caller's view: its root and working directory (the parent's, for spawn).
  const fs::FsContext& ctx = kernel::process_files(kernel::current_process());
  if (canonical(ctx, path, buf, buf + fs::kPathMax, buf + 2 * fs::kPathMax))
    (void)kernel::process_set_exec_info(p, buf, argv);
  else
    (void)kernel::process_set_exec_info(p, path, argv);
  mm::kfree(buf);
}

}  // namespace linux_compat
