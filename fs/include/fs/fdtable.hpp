// A process's file descriptor table: fixed size, lowest free descriptor
// first, per-descriptor close-on-exec. Descriptions are shared by reference.
#pragma once

#include <fs/platform.hpp>
#include <fs/vnode.hpp>
#include <klib/result.hpp>

namespace fs {

// Descriptors per table (FUSION_MAX_FDS: a small board turns it down).
#ifndef FUSION_MAX_FDS
#define FUSION_MAX_FDS 256
#endif
inline constexpr int kMaxFds = FUSION_MAX_FDS;

class FdTable {
 public:
  FdTable() = default;
  ~FdTable();  // closes everything
  FdTable(const FdTable&) = delete;
  FdTable& operator=(const FdTable&) = delete;

  // Installs f (taking a new reference) at the lowest free fd >= min_fd.
  klib::Result<int> install(OpenFile* f, bool cloexec, int min_fd = 0);
  // The description behind fd with a new reference, or BADF.
  klib::Result<OpenFile*> get(int fd);
  klib::Result<void> close(int fd);

  klib::Result<int> dup(int fd);
  klib::Result<int> dup2(int oldfd, int newfd);             // same fd: checks it, no-op
  klib::Result<int> dup3(int oldfd, int newfd, int flags);  // INVAL for same fd
  // F_DUPFD/F_DUPFD_CLOEXEC/F_GETFD/F_SETFD/F_GETFL/F_SETFL.
  klib::Result<int> fcntl(int fd, int cmd, long arg);

  void close_on_exec();  // closes every fd marked close-on-exec
  // A copy for fork: same descriptions, same flags.
  klib::Result<FdTable*> clone();
  void close_all();
  int count() const;

 private:
  struct Slot {
    OpenFile* file = nullptr;
    bool cloexec = false;
  };
  klib::Result<int> install_locked(OpenFile* f, bool cloexec, int min_fd);

  mutable Lock lock_;
  Slot slots_[kMaxFds];
};

}  // namespace fs
