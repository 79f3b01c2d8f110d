// procfs: a read-only filesystem of generated text files. Vnodes are made on
// lookup and freed with their last reference; a file's text is generated
// once per open, so a reader sees one consistent snapshot.
#include <fs/platform.hpp>
#include <fs/procfs.hpp>
#include <klib/printk.hpp>

#include <atomic>

namespace fs {
namespace {

using klib::Err;
using klib::Error;
using klib::Result;

constexpr std::size_t kMaxEntries = 32;
constexpr std::size_t kMaxPids = 1024;

struct Entry {
  char name[32];
  ProcGenerator fn;
  void* arg;
};

Lock g_lock;  // the entry table
Entry g_entries[kMaxEntries];
std::atomic<const ProcPidProvider*> g_provider{nullptr};
std::atomic<std::uint64_t> g_next_dev{0x1000};

// PidFile is any entry of a pid directory (file or symlink, per its
// ProcEntryKind); FdDir is <pid>/fd and FdLink one descriptor in it.
enum class Kind : std::uint8_t { Root, Entry, PidDir, PidFile, Self, FdDir, FdLink };

struct Node : Vnode {
  Kind kind = Kind::Root;
  int pid = 0;
  std::size_t idx = 0;
};

struct Text {
  char* data;
  std::size_t size;
};

extern const VnodeOps kOps;
extern const FileOps kFileOps;
extern const FileOps kDirOps;

Node* node(Vnode* v) { return static_cast<Node*>(v); }

const ProcPidProvider* provider() { return g_provider.load(std::memory_order_acquire); }

VType node_type(Kind k, std::size_t idx) {
  switch (k) {
    case Kind::Root:
    case Kind::PidDir:
    case Kind::FdDir:
      return VType::Directory;
    case Kind::Self:
    case Kind::FdLink:
      return VType::Symlink;
    case Kind::PidFile: {
      const ProcPidProvider* prov = provider();
      const bool link =
          prov && idx < prov->n_entries && prov->entries[idx].kind == ProcEntryKind::Symlink;
      return link ? VType::Symlink : VType::Regular;
    }
    default:
      return VType::Regular;
  }
}

std::uint64_t node_ino(Kind k, int pid, std::size_t idx) {
  const std::uint64_t p = std::uint64_t(pid) << 8;
  switch (k) {
    case Kind::Entry:
      return 16 + idx;
    case Kind::Self:
      return 15;
    case Kind::PidDir:
      return p | 0x80;
    case Kind::PidFile:
      return p | (0x81 + idx);
    case Kind::FdDir:
      return p | 0x7f;
    case Kind::FdLink:
      return (std::uint64_t(idx + 1) << 40) | p;
    default:
      return 1;
  }
}

Result<Vnode*> make_node(Superblock* sb, Kind k, int pid, std::size_t idx) {
  auto* n = make<Node>();
  if (!n) return Err(Error::NOMEM);
  const VType t = node_type(k, idx);
  const bool dir = t == VType::Directory;
  std::uint32_t perm = dir ? 0555 : 0444;
  if (t == VType::Symlink) perm = 0777;
  if (k == Kind::FdDir) perm = 0500;
  vnode_init(n, sb, t, perm, node_ino(k, pid, idx));
  n->nlink = dir ? 2 : 1;
  n->ops = &kOps;
  n->fops = dir ? &kDirOps : &kFileOps;
  n->kind = k;
  n->pid = pid;
  n->idx = idx;
  return static_cast<Vnode*>(n);
}

bool parse_pid(Name n, int* pid) {
  if (n.len == 0 || n.len > 9) return false;
  int v = 0;
  for (std::size_t i = 0; i < n.len; ++i) {
    if (n.s[i] < '0' || n.s[i] > '9') return false;
    v = v * 10 + (n.s[i] - '0');
  }
  *pid = v;
  return true;
}

Result<Vnode*> lookup(Vnode* dir, Name name) {
  Node* d = node(dir);
  if (name.is(".")) return vnode_get(dir);
  const ProcPidProvider* prov = provider();
  if (name.is("..")) {
    if (d->kind == Kind::FdDir) return make_node(dir->sb, Kind::PidDir, d->pid, 0);
    return vnode_get(dir->sb->root);
  }
  if (d->kind == Kind::PidDir) {
    for (std::size_t i = 0; prov && i < prov->n_entries; ++i)
      if (name.is(prov->entries[i].name))
        return make_node(
            dir->sb, prov->entries[i].kind == ProcEntryKind::FdDir ? Kind::FdDir : Kind::PidFile,
            d->pid, i);
    return Err(Error::NOENT);
  }
  if (d->kind == Kind::FdDir) {
    int fd;
    if (!prov || !prov->list_fds || !parse_pid(name, &fd)) return Err(Error::NOENT);
    ProcBuf probe;
    const long n = prov->list_fds(d->pid, nullptr, 0);
    if (n < 0) return Err(static_cast<Error>(-n));
    if (!prov->fd_target(d->pid, fd, probe)) return Err(Error::NOENT);
    return make_node(dir->sb, Kind::FdLink, d->pid, static_cast<std::size_t>(fd));
  }
  {
    LockGuard g(g_lock);
    for (std::size_t i = 0; i < kMaxEntries; ++i)
      if (g_entries[i].fn && name.is(g_entries[i].name))
        return make_node(dir->sb, Kind::Entry, 0, i);
  }
  if (prov && prov->self && name.is("self")) return make_node(dir->sb, Kind::Self, 0, 0);
  int pid;
  if (prov && parse_pid(name, &pid) && prov->exists(pid))
    return make_node(dir->sb, Kind::PidDir, pid, 0);
  return Err(Error::NOENT);
}

Result<std::size_t> readlink(Vnode* v, char* buf, std::size_t cap) {
  Node* n = node(v);
  const ProcPidProvider* prov = provider();
  ProcBuf out;
  if (n->kind == Kind::Self && prov && prov->self) {
    out.printf("%d", prov->self());
  } else if (n->kind == Kind::PidFile && prov && n->idx < prov->n_entries && prov->exists(n->pid)) {
    prov->entries[n->idx].generate(out, n->pid);
  } else if (n->kind == Kind::FdLink && prov && prov->fd_target) {
    if (!prov->fd_target(n->pid, static_cast<int>(n->idx), out)) return Err(Error::NOENT);
  } else {
    return Err(Error::INVAL);
  }
  if (out.failed()) return Err(Error::NOMEM);
  if (out.size() == 0) return Err(Error::NOENT);  // nothing to point at (a kernel task's exe)
  const std::size_t len = out.size() < cap ? out.size() : cap;
  __builtin_memcpy(buf, out.data(), len);
  return len;
}

void set_name(DirEntry* out, const char* s) {
  std::size_t i = 0;
  for (; s[i] && i < kNameMax; ++i) out->name[i] = s[i];
  out->name[i] = '\0';
}

// Directory listings: ".", "..", then the kind's own entries by cookie.
Result<bool> readdir_fds(Node* d, std::uint64_t i, std::uint64_t* cookie, DirEntry* out) {
  const ProcPidProvider* prov = provider();
  if (!prov || !prov->list_fds) return false;
  int* fds = static_cast<int*>(alloc(kMaxPids * sizeof(int)));
  if (!fds) return Err(Error::NOMEM);
  const long n = prov->list_fds(d->pid, fds, kMaxPids);
  if (n < 0) {
    free(fds);
    return Err(static_cast<Error>(-n));
  }
  const bool more = i < static_cast<std::uint64_t>(n) && i < kMaxPids;
  if (more) {
    out->ino = node_ino(Kind::FdLink, d->pid, static_cast<std::size_t>(fds[i]));
    out->type = VType::Symlink;
    klib::format(out->name, sizeof out->name, "%d", fds[i]);
    ++*cookie;
  }
  free(fds);
  return more;
}

Result<bool> readdir(Vnode* dir, std::uint64_t* cookie, DirEntry* out) {
  Node* d = node(dir);
  if (*cookie < 2) {
    out->ino = *cookie == 0 ? dir->ino : 1;
    out->type = VType::Directory;
    set_name(out, *cookie == 0 ? "." : "..");
    ++*cookie;
    return true;
  }
  const ProcPidProvider* prov = provider();
  std::uint64_t i = *cookie - 2;
  if (d->kind == Kind::FdDir) return readdir_fds(d, i, cookie, out);
  if (d->kind == Kind::PidDir) {
    if (!prov || i >= prov->n_entries) return false;
    const ProcPidEntry& e = prov->entries[i];
    const Kind k = e.kind == ProcEntryKind::FdDir ? Kind::FdDir : Kind::PidFile;
    out->ino = node_ino(k, d->pid, i);
    out->type = node_type(k, i);
    set_name(out, e.name);
    ++*cookie;
    return true;
  }
  // Root: registered entries (skipping holes), "self", then one directory
  // per pid.
  {
    LockGuard g(g_lock);
    for (; i < kMaxEntries; ++i, ++*cookie)
      if (g_entries[i].fn) {
        out->ino = 16 + i;
        out->type = VType::Regular;
        set_name(out, g_entries[i].name);
        ++*cookie;
        return true;
      }
  }
  if (!prov) return false;
  if (i == kMaxEntries) {
    ++*cookie;
    if (prov->self) {
      out->ino = node_ino(Kind::Self, 0, 0);
      out->type = VType::Symlink;
      set_name(out, "self");
      return true;
    }
    ++i;
  }
  const std::uint64_t k = i - kMaxEntries - 1;
  int* pids = static_cast<int*>(alloc(kMaxPids * sizeof(int)));
  if (!pids) return Err(Error::NOMEM);
  std::size_t n = prov->list(pids, kMaxPids);
  if (n > kMaxPids) n = kMaxPids;
  bool more = k < n;
  if (more) {
    out->ino = node_ino(Kind::PidDir, pids[k], 0);
    out->type = VType::Directory;
    klib::format(out->name, sizeof out->name, "%d", pids[k]);
    ++*cookie;
  }
  free(pids);
  return more;
}

void release(Vnode* v) {
  if (v->sb && v->sb->root == v) return;  // the root dies with the superblock
  destroy(node(v));
}

Result<void> open(OpenFile* f) {
  if (f->writable()) return Err(Error::ACCES);
  Node* n = node(f->vnode);
  if (n->kind == Kind::Self || n->kind == Kind::FdLink) return Err(Error::LOOP);
  ProcBuf buf;
  if (n->kind == Kind::Entry) {
    ProcGenerator fn = nullptr;
    void* arg = nullptr;
    {
      LockGuard g(g_lock);
      fn = g_entries[n->idx].fn;
      arg = g_entries[n->idx].arg;
    }
    if (!fn) return Err(Error::NOENT);
    fn(buf, arg);  // outside the table lock: generators may walk the VFS
  } else {
    const ProcPidProvider* prov = g_provider.load(std::memory_order_acquire);
    if (!prov || n->idx >= prov->n_entries || !prov->exists(n->pid)) return Err(Error::NOENT);
    prov->entries[n->idx].generate(buf, n->pid);
  }
  if (buf.failed()) return Err(Error::NOMEM);
  auto* t = make<Text>();
  if (!t) return Err(Error::NOMEM);
  t->size = buf.size();
  t->data = buf.release();
  f->priv = t;
  return klib::ok();
}

void close(OpenFile* f) {
  auto* t = static_cast<Text*>(f->priv);
  if (!t) return;
  free(t->data);
  destroy(t);
}

Result<std::size_t> read(OpenFile* f, void* out, std::size_t len, std::uint64_t* pos) {
  auto* t = static_cast<Text*>(f->priv);
  if (*pos >= t->size) return std::size_t{0};
  if (len > t->size - *pos) len = t->size - *pos;
  __builtin_memcpy(out, t->data + *pos, len);
  *pos += len;
  return len;
}

void kill(Superblock* sb) {
  Vnode* root = sb->root;
  destroy(node(root));
  destroy(sb);
}

const VnodeOps kOps = {lookup,  nullptr,  nullptr, nullptr, nullptr, nullptr, nullptr,
                       nullptr, readlink, readdir, nullptr, nullptr, release};
const FileOps kFileOps = {open, close, read, nullptr, nullptr, nullptr, nullptr, true};
const FileOps kDirOps = {nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, true};

}  // namespace

Result<void> procfs_register(const char* name, ProcGenerator fn, void* arg) {
  if (!name || !fn || !*name || __builtin_strlen(name) >= sizeof(Entry::name) ||
      __builtin_strchr(name, '/'))
    return Err(Error::INVAL);
  LockGuard g(g_lock);
  Entry* free_slot = nullptr;
  for (Entry& e : g_entries) {
    if (e.fn && __builtin_strcmp(e.name, name) == 0) return Err(Error::EXIST);
    if (!e.fn && !free_slot) free_slot = &e;
  }
  if (!free_slot) return Err(Error::NOMEM);
  __builtin_memcpy(free_slot->name, name, __builtin_strlen(name) + 1);
  free_slot->fn = fn;
  free_slot->arg = arg;
  return klib::ok();
}

void procfs_unregister(const char* name) {
  LockGuard g(g_lock);
  for (Entry& e : g_entries)
    if (e.fn && __builtin_strcmp(e.name, name) == 0) e = {};
}

void procfs_set_pid_provider(const ProcPidProvider* p) {
  g_provider.store(p, std::memory_order_release);
}

Result<Superblock*> procfs_mount(const char*, const void*) {
  auto* sb = make<Superblock>();
  if (!sb) return Err(Error::NOMEM);
  sb->fstype = "proc";
  sb->dev = g_next_dev.fetch_add(1, std::memory_order_relaxed);
  sb->kill = kill;
  auto root = make_node(sb, Kind::Root, 0, 0);
  if (!root) {
    destroy(sb);
    return Err(root.error());
  }
  sb->root = *root;
  return sb;
}

}  // namespace fs
