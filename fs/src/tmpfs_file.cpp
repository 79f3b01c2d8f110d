// tmpfs file data: page-sized chunks allocated on first write, so sparse
// files cost nothing for their holes (a missing chunk reads as zeros).
#include <fs/types.hpp>

#include "tmpfs_internal.hpp"

namespace fs::tmpfs {
namespace {

using klib::Err;
using klib::Error;
using klib::Result;

// Largest tmpfs file; keeps the chunk table allocation bounded.
constexpr std::uint64_t kMaxFileSize = std::uint64_t{1} << 32;

Result<void> grow_table(Node* n, std::size_t want) {
  if (want <= n->nchunks) return klib::ok();
  std::size_t cap = n->nchunks ? n->nchunks : 4;
  while (cap < want) cap *= 2;
  auto** t = static_cast<unsigned char**>(fs::alloc(cap * sizeof(unsigned char*)));
  if (!t) return Err(Error::NOSPC);
  if (n->chunks) {
    __builtin_memcpy(t, n->chunks, n->nchunks * sizeof(unsigned char*));
    fs::free(n->chunks);
  }
  n->chunks = t;
  n->nchunks = cap;
  return klib::ok();
}

Result<std::size_t> read(OpenFile* f, void* buf, std::size_t len, std::uint64_t* pos) {
  Vnode* v = f->vnode;
  LockGuard g(sb_of(v)->lock);
  const std::size_t n = TRY(data_read(node_of(v), buf, len, *pos));
  *pos += n;
  vnode_touch(v, false);
  return n;
}

Result<std::size_t> write(OpenFile* f, const void* buf, std::size_t len, std::uint64_t* pos) {
  Vnode* v = f->vnode;
  LockGuard g(sb_of(v)->lock);
  if (f->flags & oflag::APPEND) *pos = v->size;  // under the lock: appends never interleave
  const std::size_t n = TRY(data_write(node_of(v), buf, len, *pos));
  *pos += n;
  return n;
}

}  // namespace

Result<std::size_t> data_read(Node* n, void* buf, std::size_t len, std::uint64_t off) {
  if (off >= n->size) return std::size_t{0};
  if (len > n->size - off) len = n->size - off;
  auto* out = static_cast<unsigned char*>(buf);
  std::size_t done = 0;
  while (done < len) {
    const std::uint64_t at = off + done;
    const std::size_t idx = at / kChunk, in = at % kChunk;
    std::size_t piece = kChunk - in;
    if (piece > len - done) piece = len - done;
    unsigned char* c = idx < n->nchunks ? n->chunks[idx] : nullptr;
    if (c)
      __builtin_memcpy(out + done, c + in, piece);
    else
      __builtin_memset(out + done, 0, piece);
    done += piece;
  }
  return len;
}

Result<std::size_t> data_write(Node* n, const void* buf, std::size_t len, std::uint64_t off) {
  if (len == 0) return std::size_t{0};
  if (off >= kMaxFileSize || len > kMaxFileSize - off) return Err(Error::FBIG);
  TRY(grow_table(n, (off + len + kChunk - 1) / kChunk));
  const auto* in = static_cast<const unsigned char*>(buf);
  std::size_t done = 0;
  while (done < len) {
    const std::uint64_t at = off + done;
    const std::size_t idx = at / kChunk, o = at % kChunk;
    std::size_t piece = kChunk - o;
    if (piece > len - done) piece = len - done;
    if (!n->chunks[idx]) {
      n->chunks[idx] = static_cast<unsigned char*>(fs::alloc(kChunk));  // zeroed
      if (!n->chunks[idx]) break;
    }
    __builtin_memcpy(n->chunks[idx] + o, in + done, piece);
    done += piece;
  }
  if (done == 0) return Err(Error::NOSPC);
  if (off + done > n->size) n->size = off + done;
  vnode_touch(n, true);
  return done;
}

Result<void> data_truncate(Node* n, std::uint64_t size) {
  if (size > kMaxFileSize) return Err(Error::FBIG);
  if (size < n->size) {
    // Drop whole chunks past the end and zero the tail of the last one, so
    // growing the file again reads zeros there.
    const std::size_t keep = (size + kChunk - 1) / kChunk;
    for (std::size_t i = keep; i < n->nchunks; ++i) {
      fs::free(n->chunks[i]);
      n->chunks[i] = nullptr;
    }
    if (size % kChunk && keep - 1 < n->nchunks && n->chunks[keep - 1])
      __builtin_memset(n->chunks[keep - 1] + size % kChunk, 0, kChunk - size % kChunk);
  }
  n->size = size;
  vnode_touch(n, true);
  return klib::ok();
}

void data_free(Node* n) {
  for (std::size_t i = 0; i < n->nchunks; ++i) fs::free(n->chunks[i]);
  fs::free(n->chunks);
  n->chunks = nullptr;
  n->nchunks = 0;
}

const FileOps kFileOps = {nullptr, nullptr, read, write, nullptr, nullptr, nullptr, true};
const FileOps kDirOps = {nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, true};

}  // namespace fs::tmpfs
