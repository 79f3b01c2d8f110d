// The system call dispatcher: asm-generic numbers (include/uapi/asm-generic/
// unistd.h; aarch64 and riscv64 both use them) to handlers. Numbers without
// one return ENOSYS, logged once per number.
#include <hal/user.hpp>
#include <kernel/process.hpp>
#include <kernel/signal.hpp>
#include <klib/printk.hpp>
#include <linux_compat/exec.hpp>

#include <atomic>

#include "linux_process.hpp"
#include "signal_frame.hpp"
#include "syscalls/syscalls.hpp"

namespace linux_compat {
namespace {

constexpr unsigned kMaxLogged = 512;
std::atomic<std::uint64_t> g_logged[kMaxLogged / 64];

Handler lookup(std::uint64_t nr) {
  switch (nr) {
    case 17:
      return sys_getcwd;
    case 23:
      return sys_dup;
    case 24:
      return sys_dup3;
    case 25:
      return sys_fcntl;
    case 29:
      return sys_ioctl;
    case 33:
      return sys_mknodat;
    case 34:
      return sys_mkdirat;
    case 35:
      return sys_unlinkat;
    case 36:
      return sys_symlinkat;
    case 37:
      return sys_linkat;
    case 38:
      return sys_renameat;
    case 39:
      return sys_umount2;
    case 40:
      return sys_mount;
    case 43:
      return sys_statfs;
    case 44:
      return sys_fstatfs;
    case 45:
      return sys_truncate;
    case 46:
      return sys_ftruncate;
    case 48:
      return sys_faccessat;
    case 49:
      return sys_chdir;
    case 50:
      return sys_fchdir;
    case 52:
      return sys_fchmod;
    case 53:
      return sys_fchmodat;
    case 54:
      return sys_fchownat;
    case 55:
      return sys_fchown;
    case 56:
      return sys_openat;
    case 57:
      return sys_close;
    case 59:
      return sys_pipe2;
    case 61:
      return sys_getdents64;
    case 62:
      return sys_lseek;
    case 63:
      return sys_read;
    case 64:
      return sys_write;
    case 65:
      return sys_readv;
    case 66:
      return sys_writev;
    case 67:
      return sys_pread64;
    case 68:
      return sys_pwrite64;
    case 71:
      return sys_sendfile;
    case 72:
      return sys_pselect6;
    case 73:
      return sys_ppoll;
    case 78:
      return sys_readlinkat;
    case 79:
      return sys_newfstatat;
    case 80:
      return sys_fstat;
    case 82:
      return sys_fsync;
    case 83:
      return sys_fdatasync;
    case 88:
      return sys_utimensat;
    case 93:
      return sys_exit;
    case 94:
      return sys_exit_group;
    case 96:
      return sys_set_tid_address;
    case 98:
      return sys_futex;
    case 99:
      return sys_set_robust_list;
    case 101:
      return sys_nanosleep;
    case 113:
      return sys_clock_gettime;
    case 114:
      return sys_clock_getres;
    case 115:
      return sys_clock_nanosleep;
    case 123:
      return sys_sched_getaffinity;
    case 124:
      return sys_sched_yield;
    case 129:
      return sys_kill;
    case 130:
      return sys_tkill;
    case 131:
      return sys_tgkill;
    case 132:
      return sys_sigaltstack;
    case 133:
      return sys_rt_sigsuspend;
    case 134:
      return sys_rt_sigaction;
    case 135:
      return sys_rt_sigprocmask;
    case 136:
      return sys_rt_sigpending;
    case 137:
      return sys_rt_sigtimedwait;
    case 139:
      return sys_rt_sigreturn;
    case 153:
      return sys_times;
    case 154:
      return sys_setpgid;
    case 155:
      return sys_getpgid;
    case 156:
      return sys_getsid;
    case 157:
      return sys_setsid;
    case 160:
      return sys_uname;
    case 163:
      return sys_getrlimit;
    case 164:
      return sys_setrlimit;
    case 165:
      return sys_getrusage;
    case 166:
      return sys_umask;
    case 169:
      return sys_gettimeofday;
    case 172:
      return sys_getpid;
    case 173:
      return sys_getppid;
    case 174:
      return sys_getuid;
    case 175:
      return sys_geteuid;
    case 176:
      return sys_getgid;
    case 177:
      return sys_getegid;
    case 178:
      return sys_gettid;
    case 179:
      return sys_sysinfo;
    case 214:
      return sys_brk;
    case 215:
      return sys_munmap;
    case 220:
      return sys_clone;
    case 221:
      return sys_execve;
    case 222:
      return sys_mmap;
    case 226:
      return sys_mprotect;
    case 260:
      return sys_wait4;
    case 261:
      return sys_prlimit64;
    case 276:
      return sys_renameat2;
    case 278:
      return sys_getrandom;
    case 291:
      return sys_statx;
    case 435:
      return sys_clone3;
    case 439:
      return sys_faccessat2;
    default:
      return nullptr;
  }
}

long unknown(std::uint64_t nr) {
  const bool first =
      nr >= kMaxLogged || !(g_logged[nr / 64].fetch_or(std::uint64_t{1} << (nr % 64)) &
                            (std::uint64_t{1} << (nr % 64)));
  if (first)
    klib::printk("linux: pid %d (%s): syscall %lu not implemented (ENOSYS)\n",
                 kernel::current_pid(), kernel::current_process()->name,
                 static_cast<unsigned long>(nr));
  return err(klib::Error::NOSYS);
}

constexpr std::uint64_t kSysRtSigreturn = 139;

// Calls a handled signal interrupts with EINTR and that SA_RESTART runs
// again (Linux's ERESTARTSYS users): reads and writes on pipes and
// terminals, wait4. nanosleep, sigsuspend and the like always answer EINTR.
bool restartable(std::uint64_t nr) {
  switch (nr) {
    case 29:   // ioctl
    case 63:   // read
    case 64:   // write
    case 65:   // readv
    case 66:   // writev
    case 67:   // pread64
    case 260:  // wait4
      return true;
    default:
      return false;
  }
}

// Linux's rules, decided here since the signal's frame is built on the way
// out of this very call: no handler (a stop/ignored signal, or nothing any
// more) restarts; a handler restarts ERESTARTSYS only with SA_RESTART.
bool should_restart(long code) {
  if (code == -kRestartNoIntr) return true;
  kernel::SignalAction act;
  const bool handler = kernel::signal_peek_action(&act) && act.handler != kernel::kSigDefault &&
                       act.handler != kernel::kSigIgnore;
  if (!handler) return true;
  return code == -kRestartSys && (act.flags & kernel::kSaRestart);
}

}  // namespace

bool syscall_implemented(std::uint64_t nr) { return lookup(nr) != nullptr; }

LinuxProcess* current_linux() {
  return static_cast<LinuxProcess*>(kernel::current_process()->personality);
}

void syscall_entry(hal::TrapFrame* frame) {
  const std::uint64_t nr = hal::syscall_number(*frame);
  Args args;
  for (unsigned i = 0; i < 6; ++i) args.a[i] = hal::syscall_arg(*frame, i);
  args.frame = frame;
  const Handler h = lookup(nr);
  long result = h ? h(args) : unknown(nr);
  if (nr != kSysRtSigreturn) {  // its result is the restored register, never a code
    if (result == -static_cast<long>(klib::Error::INTR) && restartable(nr)) result = -kRestartSys;
    if (result == -kRestartSys || result == -kRestartNoIntr || result == -kRestartNoHand) {
      if (should_restart(result)) {
        hal::syscall_restart(*frame, args.a[0]);
        return;
      }
      result = -static_cast<long>(klib::Error::INTR);
    }
  }
  hal::syscall_set_result(*frame, static_cast<std::uint64_t>(result));
}

}  // namespace linux_compat
