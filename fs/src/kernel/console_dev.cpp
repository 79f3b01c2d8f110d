// /dev/console: the kernel console UART as a terminal. Received bytes go
// through the line discipline (fs/tty.hpp) in the UART interrupt; reads
// block (interruptibly) until the discipline has something for them; output
// is processed per termios. ioctls: termios get/set, window size, the
// foreground process group, FIONREAD and input flush, with Linux request
// numbers (the Vela API and, later, Linux binaries use the same ones).
//
// ioctl arguments are pointers in the caller's (kernel) address space: the
// Vela flat build. A user-space caller's syscall layer copies them in/out.
#include <fs/nuttx_driver.h>
#include <fs/tty.hpp>
#include <fs/types.hpp>
#include <kernel/console.hpp>
#include <kernel/signal.hpp>
#include <klib/spinlock.hpp>
#include <sched/wait.hpp>

#include <atomic>
#include <cstring>

namespace fs {
namespace {

namespace req {
constexpr int kTcgets = 0x5401, kTcsets = 0x5402, kTcsetsw = 0x5403, kTcsetsf = 0x5404;
constexpr int kTcflsh = 0x540B, kTiocgpgrp = 0x540F, kTiocspgrp = 0x5410;
constexpr int kTiocgwinsz = 0x5413, kTiocswinsz = 0x5414, kFionread = 0x541B;
}  // namespace req

constexpr int kTciflush = 0, kTcoflush = 1, kTcioflush = 2;
constexpr int kMaxPollers = 4;

class ConsoleTty final : public tty::LineDiscipline::Sink {
 public:
  void write_raw(const char* s, std::size_t n) override { console::write_raw(s, n); }
  // Called under `lock`: remembered, sent once the lock is dropped.
  void raise(int sig) override { pending_signal_ = sig; }

  klib::SpinLockIrq lock;
  tty::LineDiscipline ld{*this};
  tty::WinSize winsize{24, 80, 0, 0};
  int foreground_pgrp = 0;
  struct pollfd* pollers[kMaxPollers] = {};
  std::atomic<unsigned> input_seq{0};  // bumped on every received byte
  sched::WaitQueue readers;

  int take_pending_signal() {
    const int s = pending_signal_;
    pending_signal_ = 0;
    return s;
  }

  void notify_pollers_locked() {
    if (ld.readable(1)) poll_notify(pollers, kMaxPollers, POLLIN);
  }

 private:
  int pending_signal_ = 0;
};

ConsoleTty g_tty;

void send_to_foreground(int sig, int pgrp) {
  if (sig == 0 || pgrp <= 0) return;
  // ^Z is echoed and flushes input, but no signal goes out: the kernel has
  // no stopped-process state yet, and SIGTSTP's number differs between the
  // personalities (Linux 20, picolibc 18), unlike SIGINT and SIGQUIT.
  if (sig == tty::kSigtstp) return;
  kernel::SigInfo info{};
  info.signo = sig;
  info.code = kernel::SigCode::Kernel;
  (void)kernel::signal_send_group(pgrp, info);
}

// The UART receive interrupt.
void console_input(char c) {
  int sig;
  int pgrp;
  {
    klib::SpinGuard guard(g_tty.lock);
    g_tty.ld.receive(c);
    g_tty.notify_pollers_locked();
    sig = g_tty.take_pending_signal();
    pgrp = g_tty.foreground_pgrp;
  }
  g_tty.input_seq.fetch_add(1, std::memory_order_release);
  g_tty.readers.wake_all();
  send_to_foreground(sig, pgrp);
}

// The first open takes the console's input over (with whatever was typed
// before); until then the kernel monitor, which reads the console directly,
// keeps it.
int console_open(struct file*) {
  static std::atomic<int> taken{0};  // int: riscv64 has no byte-wide exchange
  if (taken.exchange(1) == 0) console::set_input_sink(console_input);
  return 0;
}

ssize_t console_read(struct file* f, char* buf, size_t n) {
  if (n == 0) return 0;
  for (;;) {
    const unsigned seen = g_tty.input_seq.load(std::memory_order_acquire);
    {
      klib::SpinGuard guard(g_tty.lock);
      if (g_tty.ld.readable(n)) return static_cast<ssize_t>(g_tty.ld.read(buf, n).n);
    }
    if (f->f_oflags & oflag::NONBLOCK) return -static_cast<int>(klib::Error::AGAIN);
    auto r = kernel::signal_wait(
        g_tty.readers, [&] { return g_tty.input_seq.load() != seen; }, sched::kForever);
    if (!r.ok()) return -static_cast<int>(r.error());
  }
}

ssize_t console_write(struct file*, const char* buf, size_t n) {
  klib::SpinGuard guard(g_tty.lock);
  g_tty.ld.write(buf, n);
  return static_cast<ssize_t>(n);
}

int copy_out(unsigned long arg, const void* src, std::size_t n) {
  if (!arg) return -static_cast<int>(klib::Error::FAULT);
  std::memcpy(reinterpret_cast<void*>(arg), src, n);
  return 0;
}

int copy_in(void* dst, unsigned long arg, std::size_t n) {
  if (!arg) return -static_cast<int>(klib::Error::FAULT);
  std::memcpy(dst, reinterpret_cast<const void*>(arg), n);
  return 0;
}

int console_ioctl(struct file*, int cmd, unsigned long arg) {
  switch (cmd) {
    case req::kTcgets: {
      tty::Termios t;
      {
        klib::SpinGuard guard(g_tty.lock);
        t = g_tty.ld.termios();
      }
      return copy_out(arg, &t, sizeof t);
    }
    case req::kTcsets:
    case req::kTcsetsw:  // output is written synchronously: nothing to drain
    case req::kTcsetsf: {
      tty::Termios t;
      if (int rc = copy_in(&t, arg, sizeof t)) return rc;
      klib::SpinGuard guard(g_tty.lock);
      if (cmd == req::kTcsetsf) g_tty.ld.flush_input();
      g_tty.ld.set_termios(t);
      g_tty.notify_pollers_locked();
      return 0;
    }
    case req::kTcflsh: {
      if (arg != kTciflush && arg != kTcoflush && arg != kTcioflush)
        return -static_cast<int>(klib::Error::INVAL);
      klib::SpinGuard guard(g_tty.lock);
      if (arg != kTcoflush) g_tty.ld.flush_input();  // no output is ever queued
      return 0;
    }
    case req::kTiocgwinsz: {
      tty::WinSize w;
      {
        klib::SpinGuard guard(g_tty.lock);
        w = g_tty.winsize;
      }
      return copy_out(arg, &w, sizeof w);
    }
    case req::kTiocswinsz: {
      tty::WinSize w;
      if (int rc = copy_in(&w, arg, sizeof w)) return rc;
      klib::SpinGuard guard(g_tty.lock);
      g_tty.winsize = w;
      return 0;
    }
    case req::kTiocgpgrp: {
      int pgrp;
      {
        klib::SpinGuard guard(g_tty.lock);
        pgrp = g_tty.foreground_pgrp;
      }
      return copy_out(arg, &pgrp, sizeof pgrp);
    }
    case req::kTiocspgrp: {
      int pgrp;
      if (int rc = copy_in(&pgrp, arg, sizeof pgrp)) return rc;
      if (pgrp <= 0) return -static_cast<int>(klib::Error::INVAL);
      klib::SpinGuard guard(g_tty.lock);
      g_tty.foreground_pgrp = pgrp;
      return 0;
    }
    case req::kFionread: {
      int n;
      {
        klib::SpinGuard guard(g_tty.lock);
        n = static_cast<int>(g_tty.ld.available());
      }
      return copy_out(arg, &n, sizeof n);
    }
    default:
      return -static_cast<int>(klib::Error::NOTTY);
  }
}

// One lock orders poll setup/teardown with the interrupt's poll_notify, so
// a notify never touches a pollfd the VFS is tearing down.
int console_poll(struct file*, struct pollfd* fds, bool setup) {
  klib::SpinGuard guard(g_tty.lock);
  if (!setup) {
    for (auto*& p : g_tty.pollers)
      if (p == fds) p = nullptr;
    return 0;
  }
  for (auto*& p : g_tty.pollers) {
    if (p) continue;
    p = fds;
    // Output never blocks; input is ready when a read would return.
    pollevent_t ready = POLLOUT;
    if (g_tty.ld.readable(1)) ready |= POLLIN;
    poll_notify(&p, 1, ready);
    return 0;
  }
  return -static_cast<int>(klib::Error::BUSY);
}

const struct file_operations kConsoleOps = {console_open,  nullptr, console_read,
                                            console_write, nullptr, console_ioctl,
                                            nullptr,       nullptr, console_poll};

}  // namespace

int register_console_device() {
  return register_driver("/dev/console", &kConsoleOps, 0666, nullptr);
}

}  // namespace fs
