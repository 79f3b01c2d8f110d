// Vnode reference counting, common attribute handling and open file
// descriptions (the part of open/close that does not involve names).
#include <fs/mount.hpp>
#include <fs/platform.hpp>
#include <fs/vnode.hpp>

namespace fs {

bool Name::is(const char* lit) const {
  std::size_t i = 0;
  for (; i < len; ++i)
    if (lit[i] != s[i]) return false;
  return lit[i] == '\0';
}

bool name_valid(Name n) {
  if (n.len == 0 || n.len > kNameMax || n.is(".") || n.is("..")) return false;
  for (std::size_t i = 0; i < n.len; ++i)
    if (n.s[i] == '/' || n.s[i] == '\0') return false;
  return true;
}

Vnode* vnode_get(Vnode* v) {
  if (v) v->refs.fetch_add(1, std::memory_order_relaxed);
  return v;
}

void vnode_put(Vnode* v) {
  if (!v) return;
  if (v->refs.fetch_sub(1, std::memory_order_acq_rel) == 1 && v->ops && v->ops->release)
    v->ops->release(v);
}

static Timespec now() {
  const std::uint64_t ns = wall_clock_ns();
  return {static_cast<std::int64_t>(ns / 1000000000u), static_cast<std::int64_t>(ns % 1000000000u)};
}

void vnode_init(Vnode* v, Superblock* sb, VType type, std::uint32_t perm, std::uint64_t ino) {
  v->refs.store(1, std::memory_order_relaxed);
  v->type = type;
  v->mode = type_bits(type) | (perm & mode::PERM);
  v->sb = sb;
  v->ino = ino;
  v->nlink = 1;
  v->atime = v->mtime = v->ctime = now();
}

void vnode_touch(Vnode* v, bool modify) {
  const Timespec t = now();
  if (modify)
    v->mtime = v->ctime = t;
  else
    v->atime = t;
}

Stat vnode_stat(const Vnode* v) {
  Stat st{};
  st.dev = v->sb ? v->sb->dev : 0;
  st.ino = v->ino;
  st.mode = v->mode;
  st.nlink = v->nlink;
  st.uid = v->uid;
  st.gid = v->gid;
  st.rdev = v->rdev;
  st.size = v->size;
  st.blksize = 4096;
  st.blocks = (v->size + 511) / 512;
  st.atime = v->atime;
  st.mtime = v->mtime;
  st.ctime = v->ctime;
  return st;
}

klib::Result<OpenFile*> file_open_vnode(Vnode* v, int flags) {
  const FileOps* fops = v->fops;
  if (!fops)
    return klib::Err(v->type == VType::CharDev || v->type == VType::BlockDev ? klib::Error::NXIO
                                                                             : klib::Error::INVAL);
  auto* f = make<OpenFile>();
  if (!f) return klib::Err(klib::Error::NOMEM);
  f->vnode = vnode_get(v);
  f->fops = fops;
  f->flags = flags & (oflag::ACCMODE | oflag::APPEND | oflag::NONBLOCK);
  if (v->sb) sb_pin(v->sb);
  if (fops->open) {
    auto r = fops->open(f);
    if (!r) {
      if (v->sb) sb_unpin(v->sb);
      vnode_put(v);
      destroy(f);
      return klib::Err(r.error());
    }
  }
  return f;
}

OpenFile* file_get(OpenFile* f) {
  if (f) f->refs.fetch_add(1, std::memory_order_relaxed);
  return f;
}

void file_put(OpenFile* f) {
  if (!f || f->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  if (f->fops && f->fops->close) f->fops->close(f);
  Vnode* v = f->vnode;
  Superblock* sb = v ? v->sb : nullptr;
  destroy(f);
  vnode_put(v);
  if (sb) sb_unpin(sb);
}

}  // namespace fs
