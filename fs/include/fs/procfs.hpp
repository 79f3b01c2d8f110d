// procfs: files whose contents are generated when opened. Entries are text
// generators registered by name; per-process directories come from one
// provider (the process layer) that lists pids and generates their files.
#pragma once

#include <fs/vnode.hpp>
#include <klib/result.hpp>

#include <cstdarg>
#include <cstddef>
#include <cstdint>

namespace fs {

// A growable text buffer the generators print into.
class ProcBuf {
 public:
  ProcBuf() = default;
  ~ProcBuf();
  ProcBuf(const ProcBuf&) = delete;
  ProcBuf& operator=(const ProcBuf&) = delete;
  void printf(const char* fmt, ...) __attribute__((format(printf, 2, 3)));
  void append(const char* s, std::size_t n);
  const char* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool failed() const { return failed_; }  // ran out of memory
  char* release();                         // hands the buffer over

 private:
  char* data_ = nullptr;
  std::size_t size_ = 0, cap_ = 0;
  bool failed_ = false;
};

using ProcGenerator = void (*)(ProcBuf& out, void* arg);

// /proc/<name> (no slashes). EXIST if taken, NOMEM if the table is full (32).
klib::Result<void> procfs_register(const char* name, ProcGenerator fn, void* arg = nullptr);
void procfs_unregister(const char* name);

// Per-pid directories. list() writes up to `max` pids and returns how many
// exist; exists() checks one; the files are the same for every pid. An
// entry is a text file, a symbolic link (generate() writes its target, as
// /proc/<pid>/exe) or the fd/ directory of descriptor links.
enum class ProcEntryKind : std::uint8_t { File, Symlink, FdDir };
struct ProcPidEntry {
  const char* name;  // "status"
  void (*generate)(ProcBuf& out, int pid);
  ProcEntryKind kind = ProcEntryKind::File;
};
struct ProcPidProvider {
  std::size_t (*list)(int* pids, std::size_t max);
  bool (*exists)(int pid);
  const ProcPidEntry* entries;
  std::size_t n_entries;
  // /proc/self: the caller's pid (nullptr: no /proc/self).
  int (*self)() = nullptr;
  // fd/: the descriptors `pid` has open (up to max; returns how many, or
  // a negative errno when the caller may not look), and one's link target.
  long (*list_fds)(int pid, int* fds, std::size_t max) = nullptr;
  bool (*fd_target)(int pid, int fd, ProcBuf& out) = nullptr;
};
// The process layer calls this once; nullptr removes it.
void procfs_set_pid_provider(const ProcPidProvider* p);

// The 1, 5 and 15 minute load averages in sysinfo(2)'s fixed point (1 <<
// 16 is a load of 1); optionally the active and total thread counts they
// were updated with (fs/src/kernel/proc_linux.cpp, kernel build only).
void load_average(std::uint64_t out[3], unsigned* active = nullptr, unsigned* threads = nullptr);

klib::Result<Superblock*> procfs_mount(const char* source, const void* data);

}  // namespace fs
