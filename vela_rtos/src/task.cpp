// NuttX tasks: task_create (a process with one main thread in the kernel
// address space), task_delete, task_restart, waitpid, getpid/gettid and
// _exit; create_task, the common path of task_create and the spawn family
// (spawn.cpp). The argument vector is copied into one allocation owned by
// the task.
#include <kernel/signal.hpp>
#include <klib/spinlock.hpp>
#include <mm/heap.hpp>

#include <new>

#include "spawn_internal.hpp"

namespace vela {
namespace {

using MainFn = int (*)(int, char**);

constexpr int kMaxArgs = 32;

// The parent's side of a spawn: waits until the child ran its setup.
struct Handshake {
  sched::WaitQueue wq;
  std::atomic<bool> done{false};
  int result = 0;  // errno value from TaskSpawn::setup
};

struct TaskData {
  MainFn entry = nullptr;
  int priority = 0;
  int policy = vabi::kSchedRr;
  const TaskSpawn* spawn = nullptr;  // first start only; owned by the parent
  Handshake* handshake = nullptr;
  int argc = 0;
  char** argv = nullptr;        // argv[0] = name, NULL-terminated, strings follow
  std::atomic<int> restart{0};  // int: riscv64 has no byte-sized atomic exchange
};

extern "C" [[noreturn]] void vela_libc_exit(int) __asm__("exit");

void* run_main(void* arg) {
  auto* td = static_cast<TaskData*>(arg);
  const int status = td->entry(td->argc, td->argv);
  // Returning from main is exit(): atexit handlers, stdio, then _exit.
  vela_libc_exit(status);
}

void release_task(kernel::Process* p) {
  auto* td = static_cast<TaskData*>(p->personality);
  if (!td) return;
  mm::kfree(td->argv);
  td->~TaskData();
  mm::kfree(td);
}

std::size_t length(const char* s) {
  std::size_t n = 0;
  while (s[n]) ++n;
  return n;
}

// argv[0] is the task name (NuttX); the caller's argv follows.
char** copy_argv(const char* name, char* const argv[], int* argc_out) {
  int argc = 1;
  std::size_t bytes = length(name) + 1;
  for (; argv && argv[argc - 1]; ++argc) {
    if (argc > kMaxArgs) return nullptr;
    bytes += length(argv[argc - 1]) + 1;
  }
  const std::size_t vec = sizeof(char*) * static_cast<std::size_t>(argc + 1);
  auto* block = static_cast<char**>(mm::kmalloc(vec + bytes));
  if (!block) return nullptr;
  char* out = reinterpret_cast<char*>(block) + vec;
  for (int i = 0; i < argc; ++i) {
    const char* src = i == 0 ? name : argv[i - 1];
    block[i] = out;
    for (std::size_t n = 0; (*out++ = src[n]) != '\0'; ++n) {
    }
  }
  block[argc] = nullptr;
  *argc_out = argc;
  return block;
}

// Spawn attributes applied by the child to itself before main runs; the
// parent learns the outcome (0 or an errno value) through the handshake.
void run_spawn_setup(TaskData* td) {
  const TaskSpawn* sp = td->spawn;
  Handshake* hs = td->handshake;
  td->spawn = nullptr;  // a restart starts plainly
  td->handshake = nullptr;
  if (!sp) return;
  if (sp->set_mask) {
    kernel::SigSet m = sp->mask & kernel::kAllSignals;
    (void)kernel::signal_mask(kernel::MaskHow::Set, &m, nullptr, false);
  }
  const int result = sp->setup ? sp->setup(sp->ctx) : 0;  // a klib::Error value
  {
    klib::SpinGuard guard(hs->wq.lock());
    hs->result = result;
    hs->done.store(true, std::memory_order_release);
    hs->wq.wake_all_locked();
  }
  // The parent may return (and free sp and hs) from here on.
  if (result != 0) exit_task(127);  // as a shell reports a command that could not run
}

void task_start(void*) {
  Tcb* self = current_tcb();
  self->rec = kernel::current_thread();
  auto* td = static_cast<TaskData*>(kernel::current_process()->personality);
  run_spawn_setup(td);
  // TLS (errno, stdio) and FP state for application code.
  (void)runtime::run_app(run_main, td);
  exit_task(0);  // not reached: run_main ends in exit()
}

klib::Result<kernel::ProcessThread*> spawn_main(kernel::Process* p, TaskData* td) {
  Tcb* t = alloc_tcb();
  if (!t) return klib::Err(Error::NOMEM);
  t->is_task = true;
  t->policy = td->policy;
  t->base_priority = td->priority;
  kernel::ThreadParams params;
  params.name = p->name;
  params.priority = td->priority;
  params.policy = to_sched_policy(td->policy);
  params.detached = true;
  params.personality = t;
  auto rec = kernel::thread_spawn(p, params, task_start, nullptr);
  if (!rec.ok()) {
    t->~Tcb();
    mm::kfree(t);
    return rec;
  }
  (*rec)->release_personality = release_tcb;
  return rec;
}

// The last thread of a task left: restart it if task_restart asked.
bool on_last_thread_exit(kernel::Process* p) {
  auto* td = static_cast<TaskData*>(p->personality);
  if (!td || !td->restart.exchange(0)) return false;
  kernel::process_reset_main_thread(p);
  auto rec = spawn_main(p, td);
  if (!rec.ok()) return false;
  kernel::thread_put(*rec);
  return true;
}

// Asks every thread of `p` to die at its next cancellation point.
void kill_threads(kernel::Process* p) {
  kernel::Pid tids[64];
  int n = 0;
  kernel::for_each_process([&](const kernel::Process& proc) {
    if (&proc != p) return;
    proc.threads.for_each([&](kernel::ProcessThread* t) {
      if (n < 64 && !t->exited.load()) tids[n++] = t->tid;
    });
  });
  for (int i = 0; i < n; ++i) {
    kernel::ProcessThread* t = kernel::thread_get(tids[i]);
    if (!t) continue;
    if (auto* tcb = static_cast<Tcb*>(t->personality)) request_cancel(tcb, true);
    kernel::thread_put(t);
  }
}

// The task (process) whose main thread has id `pid`, with a reference on the
// main thread record; nullptr if `pid` is not a live Vela task.
kernel::ProcessThread* get_task(kernel::Pid pid) {
  kernel::ProcessThread* rec = kernel::thread_get(pid);
  if (!rec) return nullptr;
  auto* t = static_cast<Tcb*>(rec->personality);
  if (!t || !t->is_task || rec->process->pid != pid || rec->exited.load()) {
    kernel::thread_put(rec);
    return nullptr;
  }
  return rec;
}

}  // namespace
}  // namespace vela

using namespace vela;

namespace vela {

klib::Result<int> create_task(const char* name, const char* argv0, MainFn entry, char* const argv[],
                              int policy, int priority, const TaskSpawn* spawn) {
  if (!entry || !valid_policy(policy) || !valid_priority(policy, priority))
    return klib::Err(Error::INVAL);
  if (!name) name = "task";
  // TODO(sched): stack size is fixed by the scheduler (28 KiB).
  void* mem = mm::kzalloc(sizeof(TaskData));
  if (!mem) return klib::Err(Error::NOMEM);
  auto* td = new (mem) TaskData();
  td->entry = entry;
  td->priority = priority;
  td->policy = policy;
  td->argv = copy_argv(argv0 ? argv0 : name, argv, &td->argc);
  if (!td->argv) {
    td->~TaskData();
    mm::kfree(td);
    return klib::Err(Error::NOMEM);
  }
  Handshake hs;
  if (spawn) {
    td->spawn = spawn;
    td->handshake = &hs;
  }
  auto p = kernel::process_create(name, kernel::current_process());
  if (!p.ok()) {
    mm::kfree(td->argv);
    td->~TaskData();
    mm::kfree(td);
    return klib::Err(p.error());
  }
  (*p)->personality = td;
  (*p)->release_personality = release_task;
  (*p)->on_last_thread_exit = on_last_thread_exit;
  const kernel::Pid pid = (*p)->pid;
  auto rec = spawn_main(*p, td);
  if (!rec.ok()) {
    kernel::process_abandon(*p);
    return klib::Err(rec.error());
  }
  kernel::thread_put(*rec);
  if (!spawn) return pid;
  (void)hs.wq.wait_until([&] { return hs.done.load(std::memory_order_acquire); });
  if (hs.result == 0) return pid;
  // The child could not be set up and exits at once: reap it, report why.
  int status = 0;
  (void)kernel::wait_child(pid, &status, 0);
  return klib::Err(static_cast<Error>(hs.result));
}

}  // namespace vela

VELA_API(int, task_create, const char* name, int priority, int stack_size, MainFn entry,
         char* const argv[]) {
  if (stack_size < 0) return fail(Error::INVAL);
  auto r = create_task(name, nullptr, entry, argv, vabi::kSchedRr, priority, nullptr);
  return r ? *r : fail(r.error());
}

VELA_API(int, task_delete, int pid) {
  // task_delete(0) deletes the caller (NuttX).
  if (pid == 0 || pid == kernel::current_pid()) {
    if (!current_tcb()) return fail(Error::INVAL);
    exit_task(0);
  }
  kernel::ProcessThread* rec = get_task(pid);
  if (!rec) return fail(Error::SRCH);
  kill_threads(rec->process);
  kernel::thread_put(rec);
  return 0;
}

VELA_API(int, task_restart, int pid) {
  if (pid == 0 || pid == kernel::current_pid()) return fail(Error::INVAL);  // not self
  kernel::ProcessThread* rec = get_task(pid);
  if (!rec) return fail(Error::SRCH);
  auto* td = static_cast<TaskData*>(rec->process->personality);
  td->restart.store(1);
  kill_threads(rec->process);
  kernel::thread_put(rec);
  return 0;
}

VELA_API(int, waitpid, int pid, int* status, int options) {
  cancellation_point();
  Tcb* self = current_tcb();
  kernel::Process* me = kernel::current_process();
  if (self) self->blocked_on.store(&me->child_waiters, std::memory_order_seq_cst);
  auto r = kernel::wait_child(
      pid, status, options == vabi::kWNoHang ? kernel::kWaitNoHang : options,
      [](void* s) { return cancel_requested(static_cast<Tcb*>(s)); }, self);
  if (self) self->blocked_on.store(nullptr, std::memory_order_relaxed);
  if (!r.ok()) {
    if (r.error() == Error::INTR) cancellation_point();
    return fail(r.error());
  }
  return *r;
}

VELA_API(int, getpid) { return kernel::current_pid(); }

VELA_API(int, gettid) {
  kernel::ProcessThread* rec = kernel::current_thread();
  return rec ? rec->tid : 0;
}

VELA_API(int, getppid) {
  kernel::Process* p = kernel::current_process();
  return p->parent ? p->parent->pid : 0;
}

// The runtime's _exit (exit(), returning from main) ends the task here.
extern "C" [[noreturn]] void vela_task_exit(int status) { exit_task(status & 0xff); }
