// tmpfs internals shared by its directory code, its file data code and devfs
// (which is a tmpfs whose device nodes carry drivers).
#pragma once

#include <fs/platform.hpp>
#include <fs/vnode.hpp>

namespace fs::tmpfs {

inline constexpr std::size_t kChunk = 4096;

struct Node;

struct Dirent {
  Dirent* next;
  Node* node;  // holds a reference
  std::size_t len;
  char name[kNameMax + 1];
};

struct Node : Vnode {
  Node* parent = nullptr;            // directories: a reference to ".."
  Dirent* entries = nullptr;         // directories, in creation order
  unsigned char** chunks = nullptr;  // regular files: kChunk pieces, null = hole
  std::size_t nchunks = 0;
  char* link = nullptr;  // symlinks: the target, NUL-terminated
};

struct Sb : Superblock {
  Lock lock;  // every operation on this filesystem
  std::uint64_t next_ino = 1;
  void (*node_release)(Vnode* v) = nullptr;  // devfs frees its driver here
};

inline Sb* sb_of(const Vnode* v) { return static_cast<Sb*>(v->sb); }
inline Node* node_of(Vnode* v) { return static_cast<Node*>(v); }

// New superblock with an empty root directory.
klib::Result<Sb*> create_sb(const char* fstype);
// Creates a node in `dir` (lock held). Returns a new reference.
klib::Result<Node*> make_node_locked(Node* dir, Name name, VType type, std::uint32_t perm);
Dirent* find_locked(Node* dir, Name name);
// Lock held: removes entry `name` from `dir` and drops its reference.
void remove_entry_locked(Node* dir, Name name);

// File data (tmpfs_file.cpp); the lock is held by the callers.
klib::Result<std::size_t> data_read(Node* n, void* buf, std::size_t len, std::uint64_t off);
klib::Result<std::size_t> data_write(Node* n, const void* buf, std::size_t len, std::uint64_t off);
klib::Result<void> data_truncate(Node* n, std::uint64_t size);
void data_free(Node* n);

extern const VnodeOps kOps;
extern const FileOps kFileOps;  // regular files
extern const FileOps kDirOps;   // directories (getdents, lseek)

}  // namespace fs::tmpfs
