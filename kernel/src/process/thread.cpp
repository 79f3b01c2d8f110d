// Threads of a process: spawning through the scheduler, lookup by tid,
// reference-counted records (the sched::Thread is joined when its record is
// freed, so it stays valid while anyone holds a reference), join/detach and
// the exit path that turns the last thread's exit into the process's.
#include <kernel/signal.hpp>
#include <klib/assert.hpp>
#include <mm/heap.hpp>

#include <new>

#include "internal.hpp"

namespace kernel {
namespace {

void thread_trampoline(void* arg) {
  auto* rec = static_cast<ProcessThread*>(arg);
  {
    klib::SpinGuard guard(detail::g_registry_lock);
    rec->thread = sched::current();
  }
  rec->start_fn(rec->start_arg);
  thread_exit_current(0, false);
}

void free_record(ProcessThread* rec) {
  sched::Thread* t = rec->thread;
  if (t == sched::current()) {
    sched::thread_detach(t);  // the scheduler frees it once it is off the CPU
  } else if (t) {
    (void)sched::thread_join(t);  // already exited: returns at once
  }
  if (rec->release_personality) rec->release_personality(rec);
  Process* p = rec->process;
  if (rec->tid != p->pid) pid_free(rec->tid);
  rec->~ProcessThread();
  mm::kfree(rec);
  detail::process_put(p);
}

// Unlinks an exited or detached record from its process (registry lock held).
void unlink_locked(ProcessThread* rec) {
  if (rec->link.linked()) rec->process->threads.remove(rec);
}

}  // namespace

klib::Result<ProcessThread*> thread_spawn(Process* p, const ThreadParams& params, void (*fn)(void*),
                                          void* arg) {
  if (!p || !fn) return klib::Err(klib::Error::INVAL);
  void* mem = mm::kzalloc(sizeof(ProcessThread));
  if (!mem) return klib::Err(klib::Error::NOMEM);
  auto* rec = new (mem) ProcessThread();
  rec->process = p;
  rec->personality = params.personality;
  rec->start_fn = fn;
  rec->start_arg = arg;
  rec->detached = params.detached;
  // POSIX: a new thread starts with its creator's signal mask.
  if (ProcessThread* creator = current_thread())
    rec->signals.blocked.store(creator->signals.blocked.load(std::memory_order_relaxed),
                               std::memory_order_relaxed);
  // alive + caller (+ joinable)
  rec->refs.store(params.detached ? 2 : 3, std::memory_order_relaxed);
  bool is_main;
  {
    klib::SpinGuard guard(detail::g_registry_lock);
    is_main = p->main_thread == nullptr;
    if (p->state == ProcessState::Zombie) {
      rec->~ProcessThread();
      mm::kfree(mem);
      return klib::Err(klib::Error::SRCH);
    }
  }
  if (is_main) {
    rec->tid = p->pid;
  } else {
    auto tid = pid_alloc();
    if (!tid.ok()) {
      rec->~ProcessThread();
      mm::kfree(mem);
      return klib::Err(tid.error());
    }
    rec->tid = *tid;
  }
  detail::process_get(p);
  {
    klib::SpinGuard guard(detail::g_registry_lock);
    p->threads.push_back(rec);
    ++p->live_threads;
    if (is_main) p->main_thread = rec;
  }
  // TODO(vela runtime): Vela threads get TLS + FP preparation from the
  // runtime; the Vela side does it at thread start (vela_rtos/src/task.cpp).
  auto t = sched::thread_create(params.name, thread_trampoline, rec, params.priority, params.cpu,
                                params.policy);
  if (!t.ok()) {
    {
      klib::SpinGuard guard(detail::g_registry_lock);
      p->threads.remove(rec);
      --p->live_threads;
      if (is_main) p->main_thread = nullptr;
    }
    rec->release_personality = nullptr;  // the caller still owns it
    rec->thread = nullptr;
    free_record(rec);
    return klib::Err(t.error());
  }
  {
    klib::SpinGuard guard(detail::g_registry_lock);
    rec->thread = *t;
  }
  return rec;
}

ProcessThread* current_thread() {
  sched::Thread* self = sched::current();
  if (!self) return nullptr;
  if (self->entry == thread_trampoline) return static_cast<ProcessThread*>(self->entry_arg);
  return nullptr;
}

ProcessThread* thread_get(Pid tid) {
  if (tid <= 0) return nullptr;
  auto& all = detail::all_processes();
  klib::SpinGuard guard(detail::g_registry_lock);
  ProcessThread* found = nullptr;
  all.for_each([&](Process* p) {
    if (found) return;
    p->threads.for_each([&](ProcessThread* t) {
      if (!found && t->tid == tid) found = t;
    });
  });
  if (found) found->refs.fetch_add(1, std::memory_order_relaxed);
  return found;
}

void thread_put(ProcessThread* rec) {
  if (rec && rec->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) free_record(rec);
}

[[noreturn]] void thread_exit_current(int status, bool group_exit) {
  ProcessThread* rec = current_thread();
  if (!rec) sched::thread_exit(status);
  Process* p = rec->process;
  bool last;
  bool drop_own_joinable = false;
  klib::List<ProcessThread, &ProcessThread::link> unjoined;
  {
    klib::SpinGuard guard(detail::g_registry_lock);
    rec->exit_code = status;
    rec->exited.store(true, std::memory_order_release);
    if (group_exit && !p->group_exiting) {
      p->group_exiting = true;
      p->exit_status = status;
    }
    last = --p->live_threads == 0;
    if (last && !p->group_exiting) p->exit_status = status;
    if (rec->detached) unlink_locked(rec);
    if (last) {
      // Nobody can join these any more: the process is going away.
      // A joiner already waiting keeps its claim and drops the reference.
      while (ProcessThread* t = p->threads.pop_front()) {
        if (t->detached || t->joining) continue;
        t->detached = true;
        if (t == rec) {
          drop_own_joinable = true;
        } else {
          unjoined.push_back(t);
        }
      }
    }
  }
  rec->exit_waiters.wake_all();
  if (last) {
    while (ProcessThread* t = unjoined.pop_front()) thread_put(t);  // their joinable refs
    if (!p->on_last_thread_exit || !p->on_last_thread_exit(p)) detail::process_exit(p);
  }
  if (drop_own_joinable) thread_put(rec);
  thread_put(rec);  // the alive reference
  sched::thread_exit(status);
}

klib::Result<void> thread_join(ProcessThread* rec, bool (*cancelled)(void*), void* ctx) {
  if (!rec) return klib::Err(klib::Error::SRCH);
  if (rec == current_thread()) return klib::Err(klib::Error::DEADLK);
  {
    klib::SpinGuard guard(detail::g_registry_lock);
    if (rec->detached || rec->joining) return klib::Err(klib::Error::INVAL);
    rec->joining = true;
  }
  bool interrupted = false;
  (void)rec->exit_waiters.wait_until([&] {
    if (rec->exited.load(std::memory_order_acquire)) return true;
    if (cancelled && cancelled(ctx)) {
      interrupted = true;
      return true;
    }
    return false;
  });
  bool drop = false;
  {
    klib::SpinGuard guard(detail::g_registry_lock);
    rec->joining = false;
    if (!interrupted && !rec->detached) {
      rec->detached = true;  // joined: nobody else may join it
      unlink_locked(rec);
      drop = true;
    }
  }
  if (interrupted) return klib::Err(klib::Error::INTR);
  if (drop) thread_put(rec);  // the joinable reference
  return klib::ok();
}

klib::Result<void> thread_detach(ProcessThread* rec) {
  if (!rec) return klib::Err(klib::Error::SRCH);
  {
    klib::SpinGuard guard(detail::g_registry_lock);
    if (rec->detached || rec->joining) return klib::Err(klib::Error::INVAL);
    rec->detached = true;
    if (rec->exited.load(std::memory_order_relaxed)) unlink_locked(rec);
  }
  thread_put(rec);  // the joinable reference
  return klib::ok();
}

void process_kill_other_threads(int status, int signo) {
  ProcessThread* self = current_thread();
  if (!self) return;
  Process* p = self->process;
  // Referenced under the lock, signalled outside it (senders take locks of
  // their own and wake queues).
  ProcessThread** victims = nullptr;
  std::size_t n = 0;
  {
    klib::SpinGuard guard(detail::g_registry_lock);
    if (!p->group_exiting) {
      p->group_exiting = true;
      p->exit_status = status;
    }
  }
  for (;;) {
    std::size_t want;
    {
      klib::SpinGuard guard(detail::g_registry_lock);
      want = p->threads.size();
    }
    victims = static_cast<ProcessThread**>(mm::kmalloc((want + 1) * sizeof(ProcessThread*)));
    if (!victims) return;  // out of memory: the others run on until they exit
    klib::SpinGuard guard(detail::g_registry_lock);
    if (p->threads.size() > want) {  // a thread was born meanwhile: size again
      mm::kfree(victims);
      continue;
    }
    p->threads.for_each([&](ProcessThread* t) {
      if (t == self || t->exited.load(std::memory_order_relaxed)) return;
      t->refs.fetch_add(1, std::memory_order_relaxed);
      victims[n++] = t;
    });
    break;
  }
  SigInfo info;
  info.signo = signo;
  info.code = SigCode::Kernel;
  info.sender = p->pid;
  for (std::size_t i = 0; i < n; ++i) {
    (void)signal_send_to(victims[i], info);
    thread_put(victims[i]);
  }
  mm::kfree(victims);
}

}  // namespace kernel
