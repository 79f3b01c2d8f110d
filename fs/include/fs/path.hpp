// Path walk: absolute and cwd-relative paths, "." and "..", mount crossing,
// symlinks (at most kSymlinkMax per walk, then LOOP), trailing slashes and
// the PATH_MAX/NAME_MAX limits.
#pragma once

#include <fs/vnode.hpp>
#include <klib/result.hpp>

namespace fs {

class FdTable;

// The per-process filesystem state the walk and the syscall helpers need.
// root and cwd hold references and superblock pins (use set_cwd).
struct FsContext {
  Vnode* root = nullptr;  // null: the global root
  Vnode* cwd = nullptr;   // null: the root
  FdTable* fds = nullptr;
  std::uint32_t umask = 022;
};

enum WalkFlags : unsigned {
  kFollow = 1,   // follow a symlink in the last component
  kMustDir = 2,  // the result must be a directory
};

// Resolves `path` to a vnode (new reference).
klib::Result<Vnode*> resolve(const FsContext& ctx, const char* path, unsigned flags);

// For operations that create or remove the last component: the parent
// directory (new reference) and the last name, which points into `path`.
// `last` is empty for "/" and is "." or ".." when the path ends so.
struct Parent {
  Vnode* dir;
  Name last;
  bool trailing_slash;
};
klib::Result<Parent> resolve_parent(const FsContext& ctx, const char* path);

// The absolute path of directory `dir` as seen from ctx's root.
klib::Result<std::size_t> dir_path(const FsContext& ctx, Vnode* dir, char* buf, std::size_t cap);

// Context helpers (references and pins handled).
void context_set_cwd(FsContext& ctx, Vnode* dir);         // takes a new reference
void context_release(FsContext& ctx);                     // drops root and cwd
void context_copy(FsContext& dst, const FsContext& src);  // shares root/cwd

}  // namespace fs
