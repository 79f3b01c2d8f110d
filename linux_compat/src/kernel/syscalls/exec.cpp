// execve and wait4. execve copies the path, argv and envp in (E2BIG past
// 64 KiB or 1024 strings, EFAULT for a bad pointer anywhere), then
// exec_current loads the program; only after that succeeds is the caller
// replaced. wait4 reaps children through the process object.
#include <kernel/process.hpp>
#include <kernel/signal.hpp>
#include <linux_compat/exec.hpp>
#include <mm/heap.hpp>
#include <mm/usercopy.hpp>
#include <new>

#include "../linux_process.hpp"
#include "syscalls.hpp"

namespace linux_compat {
namespace {

using klib::Error;

constexpr std::size_t kArenaSize = 64 * 1024;
constexpr std::size_t kMaxStrings = 1024;
constexpr std::size_t kPathMax = 4096;

// Strings and the two pointer vectors, all in one kernel arena.
struct ExecArgs {
  char* arena = static_cast<char*>(mm::kmalloc(kArenaSize));
  const char** argv = static_cast<const char**>(mm::kmalloc((kMaxStrings + 1) * sizeof(char*)));
  const char** envp = static_cast<const char**>(mm::kmalloc((kMaxStrings + 1) * sizeof(char*)));
  char path[kPathMax];
  std::size_t used = 0;
  ~ExecArgs() {
    mm::kfree(arena);
    mm::kfree(argv);
    mm::kfree(envp);
  }
  bool ok() const { return arena && argv && envp; }
};

// Copies the NULL-terminated user vector at `uvec` into out[] (NULL ends it).
klib::Result<void> copy_vector(ExecArgs& ea, std::uintptr_t uvec, const char** out) {
  std::size_t n = 0;
  if (uvec) {
    for (;; ++n) {
      std::uint64_t ptr = 0;
      TRY(mm::get_user(&ptr, uvec + n * sizeof(std::uint64_t)));
      if (!ptr) break;
      if (n == kMaxStrings || ea.used == kArenaSize) return klib::Err(Error::TOO_BIG);
      auto len = mm::strncpy_from_user(ea.arena + ea.used, ptr, kArenaSize - ea.used);
      if (!len.ok())
        return klib::Err(len.error() == Error::NAMETOOLONG ? Error::TOO_BIG : len.error());
      out[n] = ea.arena + ea.used;
      ea.used += *len + 1;
    }
  }
  out[n] = nullptr;
  return klib::ok();
}

}  // namespace

long sys_execve(const Args& a) {
  ExecArgs* ea = static_cast<ExecArgs*>(mm::kmalloc(sizeof(ExecArgs)));
  if (!ea) return err(Error::NOMEM);
  new (ea) ExecArgs();
  auto done = [&](long r) {
    ea->~ExecArgs();
    mm::kfree(ea);
    return r;
  };
  if (!ea->ok()) return done(err(Error::NOMEM));
  auto plen = mm::strncpy_from_user(ea->path, a.a[0], sizeof ea->path);
  if (!plen.ok()) return done(fail(plen));
  if (*plen == 0) return done(err(Error::NOENT));
  if (auto r = copy_vector(*ea, a.a[1], ea->argv); !r.ok()) return done(ret(r));
  if (auto r = copy_vector(*ea, a.a[2], ea->envp); !r.ok()) return done(ret(r));
  return done(ret(exec_current(a.frame, ea->path, ea->argv, ea->envp)));
}

long sys_wait4(const Args& a) {
  const int pid = static_cast<int>(a.a[0]);
  const std::uintptr_t ustatus = a.a[1];
  const std::uint64_t options = a.a[2];
  const std::uintptr_t urusage = a.a[3];
  // WNOHANG, WUNTRACED, WCONTINUED, __WNOTHREAD, __WALL, __WCLONE. Stops
  // and continues never happen (no job control), so only WNOHANG matters.
  constexpr std::uint64_t kWnohang = 1, kKnown = 1 | 2 | 8 | 0x20000000 | 0x40000000 | 0x80000000;
  if (options & ~kKnown) return err(Error::INVAL);
  if (pid == 0 || pid < -1) return err(Error::CHILD);  // no process groups yet
  int status = 0;
  auto interrupted = [](void*) {
    kernel::ProcessThread* t = kernel::current_thread();
    return t && kernel::signal_interrupting(t);
  };
  auto r = kernel::wait_child(pid, &status, (options & kWnohang) ? kernel::kWaitNoHang : 0,
                              interrupted, nullptr);
  if (!r.ok()) return fail(r);
  if (*r > 0 && ustatus && !mm::put_user(ustatus, status).ok()) return err(Error::FAULT);
  if (urusage) {
    const unsigned char zero[144] = {};  // struct rusage: nothing accounted yet
    if (!mm::copy_to_user(urusage, zero, sizeof zero).ok()) return err(Error::FAULT);
  }
  return *r;
}

}  // namespace linux_compat
