// File descriptor table. The table lock covers slot changes only; closing a
// description (which may run a driver's close hook and block) happens after
// the lock is dropped.
#include <fs/nuttx_driver.h>
#include <fs/fdtable.hpp>
#include <fs/types.hpp>

namespace fs {

using klib::Err;
using klib::Error;
using klib::Result;

FdTable::~FdTable() { close_all(); }

Result<int> FdTable::install_locked(OpenFile* f, bool cloexec, int min_fd) {
  if (min_fd < 0 || min_fd >= kMaxFds) return Err(Error::INVAL);
  for (int fd = min_fd; fd < kMaxFds; ++fd)
    if (!slots_[fd].file) {
      slots_[fd] = {file_get(f), cloexec};
      return fd;
    }
  return Err(Error::MFILE);
}

Result<int> FdTable::install(OpenFile* f, bool cloexec, int min_fd) {
  LockGuard g(lock_);
  return install_locked(f, cloexec, min_fd);
}

Result<OpenFile*> FdTable::get(int fd) {
  if (fd < 0 || fd >= kMaxFds) return Err(Error::BADF);
  LockGuard g(lock_);
  if (!slots_[fd].file) return Err(Error::BADF);
  return file_get(slots_[fd].file);
}

Result<void> FdTable::close(int fd) {
  if (fd < 0 || fd >= kMaxFds) return Err(Error::BADF);
  OpenFile* f;
  {
    LockGuard g(lock_);
    f = slots_[fd].file;
    if (!f) return Err(Error::BADF);
    slots_[fd] = {};
  }
  file_put(f);
  return klib::ok();
}

Result<int> FdTable::dup(int fd) {
  if (fd < 0 || fd >= kMaxFds) return Err(Error::BADF);
  LockGuard g(lock_);
  if (!slots_[fd].file) return Err(Error::BADF);
  return install_locked(slots_[fd].file, false, 0);
}

Result<int> FdTable::dup3(int oldfd, int newfd, int flags) {
  if (oldfd == newfd || (flags & ~oflag::CLOEXEC)) return Err(Error::INVAL);
  if (oldfd < 0 || oldfd >= kMaxFds || newfd < 0 || newfd >= kMaxFds) return Err(Error::BADF);
  OpenFile* replaced;
  {
    LockGuard g(lock_);
    OpenFile* f = slots_[oldfd].file;
    if (!f) return Err(Error::BADF);
    replaced = slots_[newfd].file;
    slots_[newfd] = {file_get(f), (flags & oflag::CLOEXEC) != 0};
  }
  file_put(replaced);  // nullptr-safe; silently closes like dup2(2)
  return newfd;
}

Result<int> FdTable::dup2(int oldfd, int newfd) {
  if (oldfd == newfd) {
    if (oldfd < 0 || oldfd >= kMaxFds) return Err(Error::BADF);
    LockGuard g(lock_);
    if (!slots_[oldfd].file) return Err(Error::BADF);
    return newfd;
  }
  return dup3(oldfd, newfd, 0);
}

Result<int> FdTable::fcntl(int fd, int cmd, long arg) {
  if (fd < 0 || fd >= kMaxFds) return Err(Error::BADF);
  LockGuard g(lock_);
  Slot& s = slots_[fd];
  if (!s.file) return Err(Error::BADF);
  switch (cmd) {
    case fcntl_op::DUPFD:
    case fcntl_op::DUPFD_CLOEXEC:
      if (arg < 0 || arg >= kMaxFds) return Err(Error::INVAL);
      return install_locked(s.file, cmd == fcntl_op::DUPFD_CLOEXEC, static_cast<int>(arg));
    case fcntl_op::GETFD:
      return s.cloexec ? kFdCloexec : 0;
    case fcntl_op::SETFD:
      s.cloexec = arg & kFdCloexec;
      return 0;
    case fcntl_op::GETFL:
      return s.file->flags;
    case fcntl_op::SETFL: {
      // Only the status flags change; the access mode is fixed at open.
      constexpr int kSettable = oflag::APPEND | oflag::NONBLOCK;
      s.file->flags = (s.file->flags & ~kSettable) | (static_cast<int>(arg) & kSettable);
      if (s.file->nuttx) s.file->nuttx->f_oflags = s.file->flags;
      return 0;
    }
    default:
      return Err(Error::INVAL);
  }
}

void FdTable::close_on_exec() {
  for (int fd = 0; fd < kMaxFds; ++fd) {
    OpenFile* f = nullptr;
    {
      LockGuard g(lock_);
      if (slots_[fd].file && slots_[fd].cloexec) {
        f = slots_[fd].file;
        slots_[fd] = {};
      }
    }
    file_put(f);
  }
}

Result<FdTable*> FdTable::clone() {
  auto* t = make<FdTable>();
  if (!t) return Err(Error::NOMEM);
  LockGuard g(lock_);
  for (int fd = 0; fd < kMaxFds; ++fd)
    if (slots_[fd].file) t->slots_[fd] = {file_get(slots_[fd].file), slots_[fd].cloexec};
  return t;
}

void FdTable::close_all() {
  for (int fd = 0; fd < kMaxFds; ++fd) {
    OpenFile* f;
    {
      LockGuard g(lock_);
      f = slots_[fd].file;
      slots_[fd] = {};
    }
    file_put(f);
  }
}

int FdTable::count() const {
  LockGuard g(lock_);
  int n = 0;
  for (const Slot& s : slots_) n += s.file != nullptr;
  return n;
}

}  // namespace fs
