// termios for Vela applications: thin wrappers over the terminal ioctls of
// the descriptor's driver (/dev/console: fs/src/kernel/console_dev.cpp).
#include <fs/tty.hpp>
#include <fs/vfs.hpp>

#include "fs_api_internal.hpp"

namespace {

using namespace vela;

constexpr unsigned long kTcgets = 0x5401, kTcsets = 0x5402, kTcsetsw = 0x5403, kTcsetsf = 0x5404,
                        kTcflsh = 0x540B, kTiocgpgrp = 0x540F, kTiocspgrp = 0x5410;

int tty_ioctl(int fd, unsigned long req, const void* arg) {
  auto r = fs::ioctl(current_fs(), fd, req, reinterpret_cast<unsigned long>(arg));
  return r ? 0 : fail(r.error());
}

}  // namespace

VELA_API(int, tcgetattr, int fd, fs::tty::Termios* t) {
  if (!t) return fail(Error::FAULT);
  return tty_ioctl(fd, kTcgets, t);
}

VELA_API(int, tcsetattr, int fd, int action, const fs::tty::Termios* t) {
  if (!t) return fail(Error::FAULT);
  static constexpr unsigned long kByAction[] = {kTcsets, kTcsetsw, kTcsetsf};
  if (action < 0 || action > 2) return fail(Error::INVAL);
  return tty_ioctl(fd, kByAction[action], t);
}

VELA_API(int, tcflush, int fd, int queue) {
  auto r = fs::ioctl(current_fs(), fd, kTcflsh, static_cast<unsigned long>(queue));
  return r ? 0 : fail(r.error());
}

VELA_API(int, tcgetpgrp, int fd) {
  int pgrp = 0;
  if (tty_ioctl(fd, kTiocgpgrp, &pgrp) < 0) return -1;
  return pgrp;
}

VELA_API(int, tcsetpgrp, int fd, int pgrp) { return tty_ioctl(fd, kTiocspgrp, &pgrp); }

// POSIX: 1, or 0 with errno (EBADF, ENOTTY): a terminal is what answers TCGETS.
VELA_API(int, isatty, int fd) {
  fs::tty::Termios t;
  return tty_ioctl(fd, kTcgets, &t) == 0 ? 1 : 0;
}

VELA_API(void, cfmakeraw, fs::tty::Termios* t) {
  namespace tt = fs::tty;
  if (!t) return;
  t->iflag &= ~(tt::iflag::kIstrip | tt::iflag::kInlcr | tt::iflag::kIgncr | tt::iflag::kIcrnl |
                tt::iflag::kIxon | 0013u /* IGNBRK BRKINT PARMRK */);
  t->oflag &= ~tt::oflag::kOpost;
  t->lflag &= ~(tt::lflag::kEcho | tt::lflag::kEchonl | tt::lflag::kIcanon | tt::lflag::kIsig |
                tt::lflag::kIexten);
  t->cflag = (t->cflag & ~0460u /* CSIZE PARENB */) | tt::cflag::kCs8;
  t->cc[tt::kVmin] = 1;
  t->cc[tt::kVtime] = 0;
}
