// The NuttX driver adapter: an OpenFile of a driver node carries a struct
// file (OpenFile::nuttx) and every call is forwarded with NuttX's
// conventions (negative errno results, driver-owned f_pos).
#include <fs/nuttx_driver.h>
#include <fs/platform.hpp>
#include <fs/poll.hpp>

#include "driver_ops.hpp"

namespace fs {
namespace {

using klib::Err;
using klib::Error;
using klib::Result;

struct inode* inode_of(OpenFile* f) {
  return static_cast<struct inode*>(f->vnode->file_priv);
}
Error as_error(long rc) { return static_cast<Error>(-rc); }

Result<void> open(OpenFile* f) {
  struct inode* ino = inode_of(f);
  if (!ino || ino->i_unlinked) return Err(Error::NXIO);
  auto* nx = make<struct file>();
  if (!nx) return Err(Error::NOMEM);
  nx->f_oflags = f->flags;
  nx->f_inode = ino;
  f->nuttx = nx;
  __atomic_add_fetch(&ino->i_crefs, 1, __ATOMIC_RELAXED);
  const int rc = ino->u.i_ops->open ? ino->u.i_ops->open(nx) : 0;
  if (rc < 0) {
    __atomic_sub_fetch(&ino->i_crefs, 1, __ATOMIC_RELAXED);
    f->nuttx = nullptr;
    destroy(nx);
    return Err(as_error(rc));
  }
  return klib::ok();
}

void close(OpenFile* f) {
  struct inode* ino = inode_of(f);
  if (ino->u.i_ops->close) ino->u.i_ops->close(f->nuttx);
  __atomic_sub_fetch(&ino->i_crefs, 1, __ATOMIC_RELAXED);
  destroy(f->nuttx);
  f->nuttx = nullptr;
}

Result<std::size_t> read(OpenFile* f, void* buf, std::size_t n, std::uint64_t* pos) {
  auto* ops = inode_of(f)->u.i_ops;
  if (!ops->read) return Err(Error::INVAL);
  f->nuttx->f_oflags = f->flags;
  f->nuttx->f_pos = static_cast<off_t>(*pos);
  const ssize_t rc = ops->read(f->nuttx, static_cast<char*>(buf), n);
  if (rc < 0) return Err(as_error(rc));
  *pos = static_cast<std::uint64_t>(f->nuttx->f_pos);
  return static_cast<std::size_t>(rc);
}

Result<std::size_t> write(OpenFile* f, const void* buf, std::size_t n, std::uint64_t* pos) {
  auto* ops = inode_of(f)->u.i_ops;
  if (!ops->write) return Err(Error::INVAL);
  f->nuttx->f_oflags = f->flags;
  f->nuttx->f_pos = static_cast<off_t>(*pos);
  const ssize_t rc = ops->write(f->nuttx, static_cast<const char*>(buf), n);
  if (rc < 0) return Err(as_error(rc));
  *pos = static_cast<std::uint64_t>(f->nuttx->f_pos);
  return static_cast<std::size_t>(rc);
}

Result<std::uint64_t> seek(OpenFile* f, std::int64_t off, int whence) {
  auto* ops = inode_of(f)->u.i_ops;
  if (!ops->seek) return Err(Error::SPIPE);  // as NuttX's file_seek
  f->nuttx->f_pos = static_cast<off_t>(f->pos);
  const off_t rc = ops->seek(f->nuttx, off, whence);
  if (rc < 0) return Err(as_error(rc));
  f->pos = static_cast<std::uint64_t>(rc);
  return f->pos;
}

Result<long> ioctl(OpenFile* f, unsigned long cmd, unsigned long arg) {
  auto* ops = inode_of(f)->u.i_ops;
  if (!ops->ioctl) return Err(Error::NOTTY);
  const int rc = ops->ioctl(f->nuttx, static_cast<int>(cmd), arg);
  if (rc < 0) return Err(as_error(rc));
  return rc;
}

// One poll() registration with a driver: NuttX drivers remember the pollfd
// and report through poll_notify, whose callback wakes our waiter.
struct PollReg {
  struct pollfd pfd;
  OpenFile* file;
  PollWaiter* waiter;
};

void poll_cb(struct pollfd* pfd) {
  auto* r = static_cast<PollReg*>(pfd->arg);
  if (r->waiter) poll_waiter_wake(r->waiter);
}

void poll_teardown(void* ctx) {
  auto* r = static_cast<PollReg*>(ctx);
  inode_of(r->file)->u.i_ops->poll(r->file->nuttx, &r->pfd, false);
  destroy(r);
}

short poll(OpenFile* f, PollTable* pt) {
  auto* ops = inode_of(f)->u.i_ops;
  if (!ops->poll) {
    short m = 0;
    if (f->readable()) m |= pollev::IN;
    if (f->writable()) m |= pollev::OUT;
    return m;
  }
  auto* r = make<PollReg>();
  if (!r) return pollev::ERR;
  r->file = f;
  r->waiter = pt ? pt->waiter() : nullptr;
  r->pfd.events = POLLIN | POLLOUT | POLLPRI;
  r->pfd.arg = r;
  r->pfd.cb = poll_cb;
  if (ops->poll(f->nuttx, &r->pfd, true) < 0) {
    destroy(r);
    return pollev::ERR;
  }
  const short mask = static_cast<short>(__atomic_load_n(&r->pfd.revents, __ATOMIC_ACQUIRE));
  if (pt)
    pt->add_cleanup(poll_teardown, r);
  else
    poll_teardown(r);
  return mask;
}

// Block devices: whole sectors at sector-aligned offsets only (no buffer
// cache yet; filesystems on top will bring one).
Result<blksize_t> sector_size(struct inode* ino, blkcnt_t* nsectors) {
  struct geometry geo {};
  if (!ino->u.i_bops->geometry || ino->u.i_bops->geometry(ino, &geo) < 0 || !geo.geo_available ||
      geo.geo_sectorsize <= 0)
    return Err(Error::IO);
  if (nsectors) *nsectors = geo.geo_nsectors;
  return geo.geo_sectorsize;
}

Result<void> bopen(OpenFile* f) {
  struct inode* ino = inode_of(f);
  if (!ino || ino->i_unlinked) return Err(Error::NXIO);
  const int rc = ino->u.i_bops->open ? ino->u.i_bops->open(ino) : 0;
  if (rc < 0) return Err(as_error(rc));
  __atomic_add_fetch(&ino->i_crefs, 1, __ATOMIC_RELAXED);
  return klib::ok();
}

void bclose(OpenFile* f) {
  struct inode* ino = inode_of(f);
  if (ino->u.i_bops->close) ino->u.i_bops->close(ino);
  __atomic_sub_fetch(&ino->i_crefs, 1, __ATOMIC_RELAXED);
}

template <bool kWrite>
Result<std::size_t> bio(OpenFile* f, void* buf, std::size_t n, std::uint64_t* pos) {
  struct inode* ino = inode_of(f);
  const blksize_t ss = TRY(sector_size(ino, nullptr));
  const auto uss = static_cast<std::uint64_t>(ss);
  if (*pos % uss || n % uss) return Err(Error::INVAL);
  const auto start = static_cast<blkcnt_t>(*pos / uss);
  const auto count = static_cast<unsigned>(n / uss);
  ssize_t rc;
  if constexpr (kWrite) {
    if (!ino->u.i_bops->write) return Err(Error::ROFS);
    rc = ino->u.i_bops->write(ino, static_cast<const unsigned char*>(buf), start, count);
  } else {
    if (!ino->u.i_bops->read) return Err(Error::INVAL);
    rc = ino->u.i_bops->read(ino, static_cast<unsigned char*>(buf), start, count);
  }
  if (rc < 0) return Err(as_error(rc));
  const std::size_t bytes = static_cast<std::size_t>(rc) * uss;
  *pos += bytes;
  return bytes;
}

Result<std::size_t> bread(OpenFile* f, void* buf, std::size_t n, std::uint64_t* pos) {
  return bio<false>(f, buf, n, pos);
}
Result<std::size_t> bwrite(OpenFile* f, const void* buf, std::size_t n, std::uint64_t* pos) {
  return bio<true>(f, const_cast<void*>(buf), n, pos);
}

Result<long> bioctl(OpenFile* f, unsigned long cmd, unsigned long arg) {
  struct inode* ino = inode_of(f);
  if (!ino->u.i_bops->ioctl) return Err(Error::NOTTY);
  const int rc = ino->u.i_bops->ioctl(ino, static_cast<int>(cmd), arg);
  if (rc < 0) return Err(as_error(rc));
  return rc;
}

}  // namespace

const FileOps kDriverFileOps = {open, close, read, write, seek, ioctl, poll, true};
const FileOps kBlockFileOps = {bopen, bclose, bread, bwrite, nullptr, bioctl, nullptr, true};

std::uint64_t block_device_size(struct inode* ino) {
  blkcnt_t n = 0;
  auto ss = sector_size(ino, &n);
  return ss ? static_cast<std::uint64_t>(n) * static_cast<std::uint64_t>(*ss) : 0;
}

}  // namespace fs

extern "C" void poll_notify(struct pollfd** afds, int nfds, pollevent_t eventset) {
  for (int i = 0; i < nfds; ++i) {
    struct pollfd* fds = afds[i];
    if (!fds) continue;
    const pollevent_t add = (fds->events | POLLERR | POLLHUP) & eventset;
    const pollevent_t now = __atomic_or_fetch(&fds->revents, add, __ATOMIC_RELEASE);
    if (now && fds->cb) fds->cb(fds);
  }
}
