// Process registry and lifecycle: creation, the kernel process (pid 0),
// exit to zombie, reparenting of orphans and waitpid-style reaping.
#include <fs/fdtable.hpp>
#include <fs/init.hpp>
#include <fs/platform.hpp>
#include <kernel/signal.hpp>
#include <klib/assert.hpp>
#include <mm/heap.hpp>
#include <sched/sched.hpp>

#include <new>

#include "internal.hpp"

namespace kernel {
namespace detail {

klib::SpinLockIrq g_registry_lock;

namespace {

alignas(ProcessList) unsigned char g_all_storage[sizeof(ProcessList)];
alignas(Process) unsigned char g_kernel_storage[sizeof(Process)];
std::atomic<Process*> g_kernel{nullptr};
klib::SpinLock g_init_lock;

void copy_name(char* dst, const char* src) {
  std::size_t i = 0;
  for (; src && src[i] && i + 1 < kProcessNameMax; ++i) dst[i] = src[i];
  dst[i] = '\0';
}

klib::Result<void> inherit_files(Process* child, Process* parent) {
  const fs::FsContext& from = process_files(parent);
  fs::context_copy(child->files, from);
  child->files.umask = from.umask;
  if (from.fds) {
    auto fds = from.fds->clone();
    if (!fds.ok()) {
      fs::context_release(child->files);
      return klib::Err(fds.error());
    }
    child->files.fds = *fds;
  }
  return klib::ok();
}

void release_files(Process* p) {
  if (fs::FdTable* fds = p->files.fds) {
    p->files.fds = nullptr;
    fds->close_all();
    fs::destroy(fds);
  }
  fs::context_release(p->files);
}

void free_process(Process* p) {
  release_files(p);  // a process abandoned before it ever ran
  if (p->release_personality) p->release_personality(p);
  mm::kfree(p->exec_info);
  pid_free(p->pid);
  p->~Process();
  mm::kfree(p);
}

}  // namespace

// Lazily built: global constructors are not guaranteed to have run before
// the first task is created, and List has no constexpr constructor.
Process* ensure_kernel_process() {
  if (Process* k = g_kernel.load(std::memory_order_acquire)) return k;
  klib::PlainSpinGuard guard(g_init_lock);
  if (Process* k = g_kernel.load(std::memory_order_relaxed)) return k;
  auto* all = new (g_all_storage) ProcessList();
  auto* k = new (g_kernel_storage) Process();
  k->pid = kKernelPid;
  copy_name(k->name, "kernel");
  all->push_back(k);
  g_kernel.store(k, std::memory_order_release);
  return k;
}

ProcessList& all_processes() {
  ensure_kernel_process();
  return *std::launder(reinterpret_cast<ProcessList*>(g_all_storage));
}

void process_get(Process* p) { p->refs.fetch_add(1, std::memory_order_relaxed); }

void process_put(Process* p) {
  if (p->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    KASSERT(p->pid != kKernelPid);
    free_process(p);
  }
}

void process_exit(Process* p) {
  release_files(p);
  Process* kernel = ensure_kernel_process();
  Process* wake = nullptr;
  bool reap_now = false;
  Process* orphan_zombies = nullptr;  // chained through parent (unused once orphaned)
  {
    klib::SpinGuard guard(g_registry_lock);
    p->state = ProcessState::Zombie;
    // Orphans go to the kernel process. Nobody will wait for them, so
    // zombies are reaped here and live ones are reaped when they exit.
    while (Process* c = p->children.pop_front()) {
      if (c->state == ProcessState::Zombie) {
        all_processes().remove(c);
        c->parent = orphan_zombies;
        orphan_zombies = c;
      } else {
        c->parent = kernel;
        c->autoreap = true;
        kernel->children.push_back(c);
      }
    }
    if (p->autoreap) {
      if (p->parent) p->parent->children.remove(p);
      all_processes().remove(p);
      reap_now = true;
    } else {
      wake = p->parent;
    }
  }
  while (Process* z = orphan_zombies) {
    orphan_zombies = z->parent;
    process_put(z);
  }
  if (wake && p->parent_exit_signal && wake->pid != kKernelPid) {
    SigInfo info;
    info.signo = p->parent_exit_signal;
    info.code = SigCode::Kernel;
    info.sender = p->pid;
    (void)signal_send_process(wake->pid, info);  // SIGCHLD; gone or ignoring: fine
  }
  if (wake) {
    wake->child_waiters.wake_all();
    sched::preempt_point();
  }
  if (reap_now) process_put(p);
}

}  // namespace detail

Process* kernel_process() { return detail::ensure_kernel_process(); }

klib::Result<Process*> process_create(const char* name, Process* parent) {
  if (!parent) parent = kernel_process();
  void* mem = mm::kzalloc(sizeof(Process));
  if (!mem) return klib::Err(klib::Error::NOMEM);
  auto pid = pid_alloc();
  if (!pid.ok()) {
    mm::kfree(mem);
    return klib::Err(pid.error());
  }
  Process* p = new (mem) Process();
  p->pid = *pid;
  p->start_ns = sched::uptime_ns();
  detail::copy_name(p->name, name);
  if (parent->exec_info) {  // a forked child runs the same program until it execs
    p->exec_info = static_cast<char*>(mm::kmalloc(parent->exec_info_len));
    if (p->exec_info) {
      __builtin_memcpy(p->exec_info, parent->exec_info, parent->exec_info_len);
      p->exec_info_len = parent->exec_info_len;
    }
  }
  if (auto r = detail::inherit_files(p, parent); !r.ok()) {
    pid_free(p->pid);
    p->~Process();
    mm::kfree(mem);
    return klib::Err(r.error());
  }
  {
    klib::SpinGuard guard(detail::g_registry_lock);
    p->cred = parent->cred;
    p->pgid = parent->pgid;
    p->sid = parent->sid;
    p->parent = parent;
    parent->children.push_back(p);
    detail::all_processes().push_back(p);
  }
  return p;
}

klib::Result<void> process_set_exec_info(Process* p, const char* path, const char* const* argv) {
  std::size_t len = __builtin_strlen(path) + 1;
  for (std::size_t i = 0; argv && argv[i]; ++i) len += __builtin_strlen(argv[i]) + 1;
  char* info = static_cast<char*>(mm::kmalloc(len));
  if (!info) return klib::Err(klib::Error::NOMEM);
  char* o = info;
  for (std::size_t i = 0; i == 0 || (argv && argv[i - 1]); ++i) {
    const char* s = i == 0 ? path : argv[i - 1];
    const std::size_t n = __builtin_strlen(s) + 1;
    __builtin_memcpy(o, s, n);
    o += n;
  }
  char* old;
  {
    // /proc readers copy it under the registry lock.
    klib::SpinGuard guard(detail::g_registry_lock);
    old = p->exec_info;
    p->exec_info = info;
    p->exec_info_len = len;
  }
  mm::kfree(old);
  return klib::ok();
}

void process_abandon(Process* p) {
  {
    klib::SpinGuard guard(detail::g_registry_lock);
    KASSERT(p->threads.empty());
    if (p->parent) p->parent->children.remove(p);
    detail::all_processes().remove(p);
  }
  detail::process_put(p);
}

void process_reset_main_thread(Process* p) {
  klib::SpinGuard guard(detail::g_registry_lock);
  p->main_thread = nullptr;
}

fs::FsContext& process_files(Process* p) {
  return !p || p->pid == kKernelPid ? fs::kernel_context() : p->files;
}

Process* current_process() {
  ProcessThread* t = current_thread();
  return t ? t->process : kernel_process();
}

Pid current_pid() { return current_process()->pid; }

void for_each_process(void (*fn)(const Process&, void*), void* ctx) {
  auto& all = detail::all_processes();
  klib::SpinGuard guard(detail::g_registry_lock);
  all.for_each([&](Process* p) { fn(*p, ctx); });
}

std::size_t process_count() {
  auto& all = detail::all_processes();
  klib::SpinGuard guard(detail::g_registry_lock);
  return all.size();
}

klib::Result<Pid> wait_child(Pid pid, int* status, int options, bool (*cancelled)(void*),
                             void* ctx) {
  if (pid == 0 || pid < -1 || (options & ~kWaitNoHang)) return klib::Err(klib::Error::INVAL);
  Process* self = current_process();
  Process* reaped = nullptr;
  klib::Error error{};
  bool none = false;
  // Runs under child_waiters' lock; exit paths change states under the
  // registry lock and wake afterwards, so no exit is missed.
  auto cond = [&] {
    klib::SpinGuard guard(detail::g_registry_lock);
    bool any = false;
    Process* found = nullptr;
    self->children.for_each([&](Process* c) {
      if (pid != -1 && c->pid != pid) return;
      any = true;
      if (!found && c->state == ProcessState::Zombie) found = c;
    });
    if (found) {
      self->children.remove(found);
      detail::all_processes().remove(found);
      reaped = found;
      return true;
    }
    if (!any) {
      error = klib::Error::CHILD;
      return true;
    }
    if (options & kWaitNoHang) {
      none = true;
      return true;
    }
    if (cancelled && cancelled(ctx)) {
      error = klib::Error::INTR;
      return true;
    }
    return false;
  };
  (void)self->child_waiters.wait_until(cond);
  if (reaped) {
    const Pid id = reaped->pid;
    // Linux/POSIX wait status: the signal in bits 0-6 when a signal's
    // default action ended it (WIFSIGNALED), else the exit code << 8.
    if (status)
      *status =
          reaped->exit_signalled ? (reaped->exit_signal & 0x7f) : (reaped->exit_status & 0xff) << 8;
    detail::process_put(reaped);
    return id;
  }
  if (none) return Pid{0};
  return klib::Err(error);
}

}  // namespace kernel
