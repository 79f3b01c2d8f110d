// Path walk. Symlinks are resolved by recursing on the link text from the
// directory holding the link; the per-walk counter (not the recursion depth
// alone) enforces kSymlinkMax, so long chains and loops both end in LOOP.
#include <fs/mount.hpp>
#include <fs/path.hpp>
#include <fs/platform.hpp>

#include <cstring>

namespace fs {
namespace {

using klib::Err;
using klib::Error;
using klib::Result;

struct Walker {
  Vnode* root;  // the context's root (a reference)
  int links = 0;
};

// A covered directory continues in the filesystem mounted on it.
Vnode* cross_down(Vnode* v) {
  while (Mount* m = v->mounted_here) {
    Vnode* r = vnode_get(m->sb->root);
    vnode_put(v);
    v = r;
  }
  return v;
}

Result<Vnode*> step(Walker& w, Vnode* cur, Name n) {
  if (cur->type != VType::Directory) return Err(Error::NOTDIR);
  if (n.is(".")) return vnode_get(cur);
  if (n.is("..")) {
    // Never above the context root; out of a mounted root to the directory
    // it covers first, so ".." there names the covered directory's parent.
    Vnode* v = vnode_get(cur);
    for (;;) {
      if (v == w.root) return v;
      Mount* m = mount_rooted_at(v);
      if (!m || !m->covered) break;
      Vnode* c = vnode_get(m->covered);
      vnode_put(v);
      v = c;
    }
    auto r = v->ops->lookup(v, n);
    vnode_put(v);
    return r;
  }
  if (!cur->ops || !cur->ops->lookup) return Err(Error::NOTDIR);
  Vnode* next = TRY(cur->ops->lookup(cur, n));
  return cross_down(next);
}

Result<Vnode*> walk(Walker& w, Vnode* cur, const char* p, const char* end, bool follow_last);

// Replaces symlink `link` (consumed) found in directory `dir` by its target.
Result<Vnode*> follow(Walker& w, Vnode* dir, Vnode* link) {
  if (++w.links > kSymlinkMax) {
    vnode_put(link);
    return Err(Error::LOOP);
  }
  char* buf = static_cast<char*>(alloc(kPathMax));
  if (!buf) {
    vnode_put(link);
    return Err(Error::NOMEM);
  }
  auto n = link->ops->readlink ? link->ops->readlink(link, buf, kPathMax - 1)
                               : Result<std::size_t>(Err(Error::INVAL));
  vnode_put(link);
  if (!n) {
    free(buf);
    return Err(n.error());
  }
  if (*n == 0) {
    free(buf);
    return Err(Error::NOENT);
  }
  auto r = walk(w, vnode_get(dir), buf, buf + *n, true);
  free(buf);
  return r;
}

// Walks [p, end) from `cur` (a reference, consumed); returns a reference.
Result<Vnode*> walk(Walker& w, Vnode* cur, const char* p, const char* end, bool follow_last) {
  if (p < end && *p == '/') {
    vnode_put(cur);
    cur = vnode_get(w.root);
    while (p < end && *p == '/') ++p;
  }
  while (p < end) {
    const char* s = p;
    while (p < end && *p != '/') ++p;
    const Name n{s, static_cast<std::size_t>(p - s)};
    const bool slash = p < end;
    while (p < end && *p == '/') ++p;
    const bool last = p == end;
    if (n.len > kNameMax) {
      vnode_put(cur);
      return Err(Error::NAMETOOLONG);
    }
    auto next = step(w, cur, n);
    if (!next) {
      vnode_put(cur);
      return Err(next.error());
    }
    Vnode* v = *next;
    // A trailing slash asks for a directory, so it follows a final link too.
    if (v->type == VType::Symlink && (!last || follow_last || slash)) {
      auto t = follow(w, cur, v);
      if (!t) {
        vnode_put(cur);
        return Err(t.error());
      }
      v = *t;
    }
    vnode_put(cur);
    cur = v;
    if (last && slash && cur->type != VType::Directory) {
      vnode_put(cur);
      return Err(Error::NOTDIR);
    }
  }
  return cur;
}

Result<std::size_t> check_path(const char* path) {
  if (!path) return Err(Error::FAULT);
  const std::size_t len = strnlen(path, kPathMax);
  if (len >= kPathMax) return Err(Error::NAMETOOLONG);
  if (len == 0) return Err(Error::NOENT);
  return len;
}

Vnode* context_root(const FsContext& ctx) { return ctx.root ? vnode_get(ctx.root) : root_vnode(); }

}  // namespace

Result<Vnode*> resolve(const FsContext& ctx, const char* path, unsigned flags) {
  const std::size_t len = TRY(check_path(path));
  Walker w{context_root(ctx)};
  if (!w.root) return Err(Error::NOENT);
  Vnode* start = ctx.cwd && path[0] != '/' ? vnode_get(ctx.cwd) : vnode_get(w.root);
  auto r = walk(w, start, path, path + len, flags & kFollow);
  vnode_put(w.root);
  if (r && (flags & kMustDir) && (*r)->type != VType::Directory) {
    vnode_put(*r);
    return Err(Error::NOTDIR);
  }
  return r;
}

Result<Parent> resolve_parent(const FsContext& ctx, const char* path) {
  const std::size_t len = TRY(check_path(path));
  const char* end = path + len;
  bool trailing = false;
  while (end > path + 1 && end[-1] == '/') {
    --end;
    trailing = true;
  }
  const char* last = end;
  while (last > path && last[-1] != '/') --last;
  Walker w{context_root(ctx)};
  if (!w.root) return Err(Error::NOENT);
  Vnode* start = ctx.cwd && path[0] != '/' ? vnode_get(ctx.cwd) : vnode_get(w.root);
  Name name{last, static_cast<std::size_t>(end - last)};
  if (name.len > kNameMax) {
    vnode_put(start);
    vnode_put(w.root);
    return Err(Error::NAMETOOLONG);
  }
  auto dir = walk(w, start, path, last, true);
  vnode_put(w.root);
  if (!dir) return Err(dir.error());
  if ((*dir)->type != VType::Directory) {
    vnode_put(*dir);
    return Err(Error::NOTDIR);
  }
  return Parent{*dir, name, trailing};
}

Result<std::size_t> dir_path(const FsContext& ctx, Vnode* dir, char* buf, std::size_t cap) {
  if (cap < 2) return Err(Error::RANGE);
  Vnode* root = context_root(ctx);
  char* tmp = static_cast<char*>(alloc(kPathMax));
  if (!tmp) {
    vnode_put(root);
    return Err(Error::NOMEM);
  }
  std::size_t at = kPathMax - 1;  // built right to left
  tmp[at] = '\0';
  Vnode* cur = vnode_get(dir);
  Error err{};
  bool failed = false;
  while (cur != root) {
    if (Mount* m = mount_rooted_at(cur); m && m->covered) {
      Vnode* c = vnode_get(m->covered);
      vnode_put(cur);
      cur = c;
      continue;
    }
    auto parent = cur->ops->lookup(cur, Name{"..", 2});
    if (!parent) {
      err = parent.error();
      failed = true;
      break;
    }
    if (*parent == cur) {  // a filesystem root outside ctx's root
      vnode_put(*parent);
      break;
    }
    // Find cur's name in its parent by inode number.
    std::uint64_t cookie = 0;
    DirEntry de;
    bool found = false;
    while (!found) {
      auto more = (*parent)->ops->readdir(*parent, &cookie, &de);
      if (!more || !*more) break;
      found = de.ino == cur->ino && !Name{de.name, __builtin_strlen(de.name)}.is(".") &&
              !Name{de.name, __builtin_strlen(de.name)}.is("..");
    }
    vnode_put(cur);
    cur = *parent;
    if (!found) {
      err = Error::NOENT;  // unlinked directory
      failed = true;
      break;
    }
    const std::size_t n = __builtin_strlen(de.name);
    if (n + 1 > at) {
      err = Error::NAMETOOLONG;
      failed = true;
      break;
    }
    at -= n;
    __builtin_memcpy(tmp + at, de.name, n);
    tmp[--at] = '/';
  }
  vnode_put(cur);
  vnode_put(root);
  if (at == kPathMax - 1) tmp[--at] = '/';
  const std::size_t len = kPathMax - 1 - at;
  if (!failed && len + 1 > cap) {
    err = Error::RANGE;
    failed = true;
  }
  if (!failed) __builtin_memcpy(buf, tmp + at, len + 1);
  free(tmp);
  if (failed) return Err(err);
  return len;
}

void context_set_cwd(FsContext& ctx, Vnode* dir) {
  vnode_get(dir);
  if (dir && dir->sb) sb_pin(dir->sb);
  Vnode* old = ctx.cwd;
  ctx.cwd = dir;
  if (old) {
    Superblock* sb = old->sb;
    vnode_put(old);
    if (sb) sb_unpin(sb);
  }
}

void context_release(FsContext& ctx) {
  context_set_cwd(ctx, nullptr);
  if (ctx.root) {
    Superblock* sb = ctx.root->sb;
    vnode_put(ctx.root);
    if (sb) sb_unpin(sb);
    ctx.root = nullptr;
  }
}

void context_copy(FsContext& dst, const FsContext& src) {
  if (src.root) {
    dst.root = vnode_get(src.root);
    if (src.root->sb) sb_pin(src.root->sb);
  }
  dst.cwd = nullptr;
  if (src.cwd) context_set_cwd(dst, src.cwd);
  dst.fds = src.fds;
  dst.umask = src.umask;
}

}  // namespace fs
