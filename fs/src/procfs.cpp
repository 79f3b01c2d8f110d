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

enum class Kind : std::uint8_t { Root, Entry, PidDir, PidFile };

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

Result<Vnode*> make_node(Superblock* sb, Kind k, int pid, std::size_t idx) {
  auto* n = make<Node>();
  if (!n) return Err(Error::NOMEM);
  const bool dir = k == Kind::Root || k == Kind::PidDir;
  std::uint64_t ino = 1;
  if (k == Kind::Entry) ino = 16 + idx;
  if (k == Kind::PidDir) ino = (std::uint64_t(pid) << 8) | 0x80;
  if (k == Kind::PidFile) ino = (std::uint64_t(pid) << 8) | (0x81 + idx);
  vnode_init(n, sb, dir ? VType::Directory : VType::Regular, dir ? 0555 : 0444, ino);
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
  if (name.is("..")) return vnode_get(dir->sb->root);
  const ProcPidProvider* prov = g_provider.load(std::memory_order_acquire);
  if (d->kind == Kind::PidDir) {
    for (std::size_t i = 0; prov && i < prov->n_entries; ++i)
      if (name.is(prov->entries[i].name)) return make_node(dir->sb, Kind::PidFile, d->pid, i);
    return Err(Error::NOENT);
  }
  {
    LockGuard g(g_lock);
    for (std::size_t i = 0; i < kMaxEntries; ++i)
      if (g_entries[i].fn && name.is(g_entries[i].name))
        return make_node(dir->sb, Kind::Entry, 0, i);
  }
  int pid;
  if (prov && parse_pid(name, &pid) && prov->exists(pid))
    return make_node(dir->sb, Kind::PidDir, pid, 0);
  return Err(Error::NOENT);
}

void set_name(DirEntry* out, const char* s) {
  std::size_t i = 0;
  for (; s[i] && i < kNameMax; ++i) out->name[i] = s[i];
  out->name[i] = '\0';
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
  const ProcPidProvider* prov = g_provider.load(std::memory_order_acquire);
  std::uint64_t i = *cookie - 2;
  if (d->kind == Kind::PidDir) {
    if (!prov || i >= prov->n_entries) return false;
    out->ino = (std::uint64_t(d->pid) << 8) | (0x81 + i);
    out->type = VType::Regular;
    set_name(out, prov->entries[i].name);
    ++*cookie;
    return true;
  }
  // Root: registered entries (skipping holes), then one directory per pid.
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
  const std::uint64_t k = i - kMaxEntries;
  int* pids = static_cast<int*>(alloc(kMaxPids * sizeof(int)));
  if (!pids) return Err(Error::NOMEM);
  std::size_t n = prov->list(pids, kMaxPids);
  if (n > kMaxPids) n = kMaxPids;
  bool more = k < n;
  if (more) {
    out->ino = (std::uint64_t(pids[k]) << 8) | 0x80;
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

const VnodeOps kOps = {lookup,  nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
                       nullptr, nullptr, readdir, nullptr, nullptr, release};
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
