// ioctl for Linux programs. Drivers' ioctl handlers take kernel pointers, so
// no request reaches one with a user pointer: the terminal requests Linux
// programs use (termios, window size, foreground group, FIONREAD, TCFLSH)
// have their argument copied in from / out to user memory here, around a
// call with a kernel buffer; the descriptor flags requests (FIOCLEX,
// FIONCLEX, FIONBIO) act on the descriptor table. Anything else is ENOTTY,
// which C libraries read as "not a terminal / not supported here".
#include <fs/fdtable.hpp>
#include <fs/tty.hpp>
#include <fs/vfs.hpp>
#include <mm/usercopy.hpp>

#include "../linux_process.hpp"
#include "fs_common.hpp"
#include "syscalls.hpp"

namespace linux_compat {
namespace {

using klib::Error;

// Request numbers (include/uapi/asm-generic/ioctls.h).
constexpr unsigned kTcgets = 0x5401, kTcsets = 0x5402, kTcsetsw = 0x5403, kTcsetsf = 0x5404;
constexpr unsigned kTcflsh = 0x540B, kTiocgpgrp = 0x540F, kTiocspgrp = 0x5410;
constexpr unsigned kTiocgwinsz = 0x5413, kTiocswinsz = 0x5414, kFionread = 0x541B;
constexpr unsigned kFionbio = 0x5421, kFionclex = 0x5450, kFioclex = 0x5451;

enum class Dir { None, In, Out };
struct TtyRequest {
  unsigned cmd;
  std::size_t size;
  Dir dir;
};
constexpr TtyRequest kTtyRequests[] = {
    {kTcgets, sizeof(fs::tty::Termios), Dir::Out},
    {kTcsets, sizeof(fs::tty::Termios), Dir::In},
    {kTcsetsw, sizeof(fs::tty::Termios), Dir::In},
    {kTcsetsf, sizeof(fs::tty::Termios), Dir::In},
    {kTcflsh, 0, Dir::None},
    {kTiocgpgrp, sizeof(int), Dir::Out},
    {kTiocspgrp, sizeof(int), Dir::In},
    {kTiocgwinsz, sizeof(fs::tty::WinSize), Dir::Out},
    {kTiocswinsz, sizeof(fs::tty::WinSize), Dir::In},
    {kFionread, sizeof(int), Dir::Out},
};

// Character devices are the only terminals; everything else is not one.
bool maybe_tty(const fs::OpenFile* f) {
  return f->vnode && f->vnode->type == fs::VType::CharDev && f->fops && f->fops->ioctl;
}

long file_flags(int fd, unsigned cmd, std::uintptr_t uarg) {
  fs::FsContext& ctx = files();
  switch (cmd) {
    case kFioclex:
    case kFionclex:
      return ret(ctx.fds->fcntl(fd, fs::fcntl_op::SETFD, cmd == kFioclex ? fs::kFdCloexec : 0));
    default: {  // FIONBIO: *arg != 0 sets O_NONBLOCK
      int on;
      if (!mm::get_user(&on, uarg).ok()) return err(Error::FAULT);
      auto fl = ctx.fds->fcntl(fd, fs::fcntl_op::GETFL, 0);
      if (!fl.ok()) return fail(fl);
      const int flags = on ? (*fl | fs::oflag::NONBLOCK) : (*fl & ~fs::oflag::NONBLOCK);
      return ret(ctx.fds->fcntl(fd, fs::fcntl_op::SETFL, flags));
    }
  }
}

}  // namespace

long sys_ioctl(const Args& a) {
  const int fd = static_cast<int>(a.a[0]);
  const auto cmd = static_cast<unsigned>(a.a[1]);
  const std::uintptr_t uarg = a.a[2];
  FileRef ref;
  if (auto r = get_file(fd, &ref); !r.ok()) return ret(r);
  if (cmd == kFioclex || cmd == kFionclex || cmd == kFionbio) return file_flags(fd, cmd, uarg);
  const TtyRequest* req = nullptr;
  for (const TtyRequest& t : kTtyRequests)
    if (t.cmd == cmd) req = &t;
  if (!req || !maybe_tty(ref.f)) return err(Error::NOTTY);
  // The largest argument is a termios; one buffer holds any of them.
  alignas(8) unsigned char buf[sizeof(fs::tty::Termios)] = {};
  unsigned long karg = uarg;  // TCFLSH: a value, not a pointer
  if (req->dir != Dir::None) {
    if (req->dir == Dir::In && !mm::copy_from_user(buf, uarg, req->size).ok())
      return err(Error::FAULT);
    if (req->dir == Dir::Out && !mm::user_range_ok(uarg, req->size)) return err(Error::FAULT);
    karg = reinterpret_cast<unsigned long>(buf);
  }
  auto r = ref.f->fops->ioctl(ref.f, cmd, karg);
  if (!r.ok()) return fail(r);
  if (req->dir == Dir::Out && !mm::copy_to_user(uarg, buf, req->size).ok())
    return err(Error::FAULT);
  return *r;
}

}  // namespace linux_compat
