// clone and clone3: fork (a new process with a copy-on-write copy of the
// address space), vfork (a new process on the parent's memory, parent
// blocked until the child execs or exits) and threads (a new thread of the
// calling process). Every argument is validated before anything is created.
#include <kernel/process.hpp>
#include <kernel/signal.hpp>
#include <kernel/user.hpp>
#include <mm/address_space.hpp>
#include <mm/heap.hpp>
#include <mm/usercopy.hpp>
#include <sched/sched.hpp>

#include <atomic>
#include <new>

#include "../linux_process.hpp"
#include "syscalls.hpp"

namespace linux_compat {

// The parent's side of a vfork: one reference each for parent and child.
struct VforkDone {
  sched::WaitQueue wq;
  std::atomic<bool> done{false};
  std::atomic<int> refs{2};
};

namespace {

using klib::Error;

// include/uapi/linux/sched.h
constexpr std::uint64_t kCsignal = 0xff;
constexpr std::uint64_t kCloneVm = 0x100;
constexpr std::uint64_t kCloneFs = 0x200;
constexpr std::uint64_t kCloneFiles = 0x400;
constexpr std::uint64_t kCloneSighand = 0x800;
constexpr std::uint64_t kClonePtrace = 0x2000;
constexpr std::uint64_t kCloneVfork = 0x4000;
constexpr std::uint64_t kCloneThread = 0x10000;
constexpr std::uint64_t kCloneSysvsem = 0x40000;
constexpr std::uint64_t kCloneSettls = 0x80000;
constexpr std::uint64_t kCloneParentSettid = 0x100000;
constexpr std::uint64_t kCloneChildCleartid = 0x200000;
constexpr std::uint64_t kCloneDetached = 0x400000;  // ignored by Linux too
constexpr std::uint64_t kCloneUntraced = 0x800000;
constexpr std::uint64_t kCloneChildSettid = 0x1000000;
constexpr std::uint64_t kCloneIo = 0x80000000;
constexpr int kLinuxSigMax = 64;  // exit signals 1..64 (0: none)
// What Fusion implements. Others (CLONE_PIDFD, CLONE_PARENT, the namespace
// flags, sharing FS/FILES/SIGHAND without CLONE_THREAD)
// are EINVAL: see docs/linux-syscall-coverage.md.
constexpr std::uint64_t kSupported = kCloneVm | kCloneFs | kCloneFiles | kCloneSighand |
                                     kClonePtrace | kCloneVfork | kCloneThread | kCloneSysvsem |
                                     kCloneSettls | kCloneParentSettid | kCloneChildCleartid |
                                     kCloneDetached | kCloneUntraced | kCloneChildSettid | kCloneIo;

struct CloneRequest {
  std::uint64_t flags = 0;  // without the exit signal
  int exit_signal = 0;
  std::uintptr_t stack = 0;  // 0: the parent's sp
  std::uintptr_t tls = 0;
  std::uintptr_t parent_tid = 0;
  std::uintptr_t child_tid = 0;
};

// The creator of a thread waits until the child has written the tids: a
// parent_tid written by the creator could land after a short-lived thread
// already cleared it (CLONE_CHILD_CLEARTID on the same word, as glibc
// uses), and pthread_join would then wait forever.
struct Started {
  sched::WaitQueue wq;
  std::atomic<bool> done{false};
  std::atomic<int> refs{2};
};

void started_put(Started* s) {
  if (s->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    s->~Started();
    mm::kfree(s);
  }
}

// What the new thread starts from (freed by the child once copied).
struct ChildStart {
  kernel::UserCloneState state;
  std::uint64_t flags;
  std::uintptr_t parent_tid;
  std::uintptr_t child_tid;
  Started* started;  // nullptr: nobody waits
};

klib::Result<void> validate(const CloneRequest& r) {
  if (r.flags & ~kSupported) return klib::Err(Error::INVAL);
  // Linux's rules (kernel/fork.c copy_process).
  if ((r.flags & kCloneThread) && !(r.flags & kCloneSighand)) return klib::Err(Error::INVAL);
  if ((r.flags & kCloneSighand) && !(r.flags & kCloneVm)) return klib::Err(Error::INVAL);
  // A Fusion process owns its filesystem context and signal actions, so
  // only threads of one process share them.
  if ((r.flags & (kCloneFs | kCloneFiles | kCloneSighand)) && !(r.flags & kCloneThread))
    return klib::Err(Error::INVAL);
  if ((r.flags & kCloneThread) && (r.flags & (kCloneFs | kCloneFiles)) != (kCloneFs | kCloneFiles))
    return klib::Err(Error::INVAL);
  if ((r.flags & kCloneThread) && (r.flags & kCloneVfork)) return klib::Err(Error::INVAL);
  if (r.exit_signal < 0 || r.exit_signal > kLinuxSigMax) return klib::Err(Error::INVAL);
  return klib::ok();
}

void write_tids(void* arg) {
  const auto* cs = static_cast<const ChildStart*>(arg);
  const std::uint32_t tid = static_cast<std::uint32_t>(kernel::current_thread()->tid);
  if (cs->flags & kCloneChildSettid) (void)mm::put_user(cs->child_tid, tid);
  // Threads share the parent's memory: the child writes parent_tid itself
  // (Started explains why the creator must not).
  if ((cs->flags & kCloneParentSettid) && (cs->flags & kCloneVm))
    (void)mm::put_user(cs->parent_tid, tid);
  if (Started* s = cs->started) {
    s->done.store(true, std::memory_order_release);
    s->wq.wake_all();
    started_put(s);
  }
}

void child_main(void* arg) {
  // A copy on this stack: user_start_clone never returns, and write_tids
  // reads it just before user mode.
  const ChildStart start = *static_cast<ChildStart*>(arg);
  mm::kfree(arg);
  if (start.flags & kCloneChildCleartid) {
    if (LinuxThread* lt = current_linux_thread(true)) lt->clear_child_tid = start.child_tid;
  }
  kernel::UserCloneState state = start.state;
  state.before_enter = write_tids;
  state.before_enter_arg = const_cast<ChildStart*>(&start);
  kernel::user_start_clone(state);
}

bool vfork_finished(VforkDone* v) { return v->done.load(std::memory_order_acquire); }

void vfork_put(VforkDone* v) {
  if (v->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    v->~VforkDone();
    mm::kfree(v);
  }
}

bool vfork_child_exit(kernel::Process* p) {
  vfork_release(p);
  return false;  // exit as usual
}

// A new process: a copy-on-write copy of the caller's space (fork), or the
// caller's space itself (CLONE_VM: vfork).
klib::Result<kernel::Process*> new_process(const CloneRequest& r) {
  kernel::Process* parent = kernel::current_process();
  LinuxProcess* plp = current_linux();
  if (!plp || !parent->address_space) return klib::Err(Error::INVAL);
  mm::AddressSpace* as = nullptr;
  if (r.flags & kCloneVm) {
    as = parent->address_space;
    as->get();
  } else {
    as = TRY(parent->address_space->fork());
  }
  auto created = kernel::process_create(parent->name, parent);
  if (!created.ok()) {
    mm::AddressSpace::put(as);
    return klib::Err(created.error());
  }
  kernel::Process* p = *created;
  void* mem = mm::kmalloc(sizeof(LinuxProcess));
  if (!mem) {
    mm::AddressSpace::put(as);
    kernel::process_abandon(p);
    return klib::Err(Error::NOMEM);
  }
  p->personality = new (mem) LinuxProcess(*plp);  // dispositions, masks
  static_cast<LinuxProcess*>(p->personality)->vfork = nullptr;
  p->release_personality = parent->release_personality;
  p->address_space = as;
  p->user_syscall = parent->user_syscall;
  kernel::signal_init_process(p, parent->signals.rules);
  {
    klib::SpinGuard guard(parent->signals.lock);
    for (int i = 0; i < kernel::kNumSignals; ++i)
      p->signals.actions[i] = parent->signals.actions[i];
  }
  return p;
}

long do_clone(const CloneRequest& r, hal::TrapFrame* frame) {
  if (auto v = validate(r); !v.ok()) return fail(v);
  kernel::Process* self = kernel::current_process();
  const bool thread = r.flags & kCloneThread;

  auto* cs = static_cast<ChildStart*>(mm::kmalloc(sizeof(ChildStart)));
  if (!cs) return err(Error::NOMEM);
  kernel::user_clone_capture(*frame, &cs->state);
  hal::syscall_set_result(cs->state.frame, 0);  // the child's clone returns 0
  if (r.stack) hal::trap_frame_set_sp(cs->state.frame, r.stack);
  if (r.flags & kCloneSettls) cs->state.tls = r.tls;
  cs->flags = r.flags;
  cs->parent_tid = r.parent_tid;
  cs->child_tid = r.child_tid;
  cs->started = nullptr;
  const bool child_writes_ptid = (r.flags & kCloneParentSettid) && (r.flags & kCloneVm);
  if (child_writes_ptid) {
    void* mem = mm::kmalloc(sizeof(Started));
    if (!mem) {
      mm::kfree(cs);
      return err(Error::NOMEM);
    }
    cs->started = new (mem) Started();
  }
  Started* started = cs->started;
  auto drop_started = [&] {
    if (started) {
      started->~Started();
      mm::kfree(started);
    }
  };

  kernel::Process* p = self;
  VforkDone* vfork = nullptr;
  if (!thread) {
    auto created = new_process(r);
    if (!created.ok()) {
      mm::kfree(cs);
      drop_started();
      return fail(created);
    }
    p = *created;
    p->parent_exit_signal = r.exit_signal;
    if (r.flags & kCloneVfork) {
      void* mem = mm::kmalloc(sizeof(VforkDone));
      if (!mem) {
        mm::kfree(cs);
        drop_started();
        kernel::process_abandon(p);
        return err(Error::NOMEM);
      }
      vfork = new (mem) VforkDone();
      static_cast<LinuxProcess*>(p->personality)->vfork = vfork;
      p->on_last_thread_exit = vfork_child_exit;
    }
  }
  // Counted before the thread exists, so the space outlives a racing exit
  // of the caller.
  p->user_threads.fetch_add(1);
  kernel::ThreadParams params;
  params.name = p->name;
  params.policy = sched::Policy::Fair;  // SCHED_OTHER, nice 0 (as spawn)
  params.priority = 0;
  params.detached = true;  // Linux threads are joined through futexes, not here
  auto t = kernel::thread_spawn(p, params, child_main, cs);
  if (!t.ok()) {
    mm::kfree(cs);
    drop_started();
    p->user_threads.fetch_sub(1);
    if (!thread) {
      if (vfork) {
        vfork->~VforkDone();
        mm::kfree(vfork);
      }
      kernel::process_abandon(p);
    }
    return fail(t);
  }
  const int tid = (*t)->tid;
  kernel::thread_put(*t);
  if (started) {
    (void)started->wq.wait_until([&] { return started->done.load(std::memory_order_acquire); });
    started_put(started);
  } else if (r.flags & kCloneParentSettid) {
    (void)mm::put_user(r.parent_tid, std::uint32_t(tid));
  }
  if (vfork) {
    // Not interruptible, as Linux (only fatal signals end the wait there).
    (void)vfork->wq.wait_until([&] { return vfork_finished(vfork); });
    vfork_put(vfork);
  }
  return tid;
}

}  // namespace

void vfork_release(kernel::Process* p) {
  auto* lp = static_cast<LinuxProcess*>(p->personality);
  if (!lp || !lp->vfork) return;
  VforkDone* v = lp->vfork;
  lp->vfork = nullptr;
  v->done.store(true, std::memory_order_release);
  v->wq.wake_all();
  vfork_put(v);
}

long sys_clone(const Args& a) {
  // asm-generic order (no CLONE_BACKWARDS on aarch64 or riscv64):
  // flags, newsp, parent_tid, tls, child_tid.
  CloneRequest r;
  r.flags = a.a[0] & ~kCsignal;
  r.exit_signal = static_cast<int>(a.a[0] & kCsignal);
  r.stack = a.a[1];
  r.parent_tid = a.a[2];
  r.tls = a.a[3];
  r.child_tid = a.a[4];
  return do_clone(r, a.frame);
}

long sys_clone3(const Args& a) {
  // struct clone_args: flags, pidfd, child_tid, parent_tid, exit_signal,
  // stack, stack_size, tls (VER0, 64 bytes), set_tid, set_tid_size (VER1),
  // cgroup (VER2).
  constexpr std::size_t kVer0 = 64, kKnown = 88, kPage = 4096;
  const std::size_t size = a.a[1];
  if (size < kVer0) return err(Error::INVAL);
  if (size > kPage) return err(Error::TOO_BIG);
  std::uint64_t args[kKnown / 8] = {};
  const std::size_t known = size < kKnown ? size : kKnown;
  if (!mm::copy_from_user(args, a.a[0], known).ok()) return err(Error::FAULT);
  // Fields this kernel does not know must be zero (E2BIG, as Linux).
  for (std::size_t off = known; off < size; ++off) {
    std::uint8_t b = 0;
    if (!mm::get_user(&b, a.a[0] + off).ok()) return err(Error::FAULT);
    if (b) return err(Error::TOO_BIG);
  }
  const std::uint64_t flags = args[0], exit_signal = args[4], stack = args[5], stack_size = args[6];
  if (flags & kCsignal) return err(Error::INVAL);  // the signal has its own field
  if (exit_signal > static_cast<std::uint64_t>(kLinuxSigMax)) return err(Error::INVAL);
  if ((flags & kCloneThread) && exit_signal) return err(Error::INVAL);
  if ((stack == 0) != (stack_size == 0)) return err(Error::INVAL);
  if (size >= 80 && (args[8] || args[9])) return err(Error::INVAL);  // set_tid: namespaces
  if (size >= 88 && args[10]) return err(Error::INVAL);              // CLONE_INTO_CGROUP
  CloneRequest r;
  r.flags = flags;
  r.exit_signal = static_cast<int>(exit_signal);
  r.stack = stack ? stack + stack_size : 0;  // clone3 gives the lowest address
  r.child_tid = args[2];
  r.parent_tid = args[3];
  r.tls = args[7];
  return do_clone(r, a.frame);
}

}  // namespace linux_compat
