// Shared between the scheduler's kernel-only files; not a public interface.
// Lock order: the global PI lock, then one wait queue's lock, then CPU locks
// (two at most, lower index first).
#pragma once

#include <hal/context.hpp>
#include <hal/cpu.hpp>
#include <sched/percpu.hpp>
#include <sched/pi.hpp>
#include <sched/thread.hpp>

#include <cstddef>
#include <cstdint>

namespace sched::detail {

// Interrupts off for a scope (RAII, nests).
class IrqSave {
 public:
  IrqSave() : flags_(hal::irq_save()) {}
  ~IrqSave() { hal::irq_restore(flags_); }
  IrqSave(const IrqSave&) = delete;
  IrqSave& operator=(const IrqSave&) = delete;

 private:
  hal::IrqFlags flags_;
};

// Holds the lock of the CPU `t` belongs to; t->cpu cannot change meanwhile.
class ThreadCpuLock {
 public:
  explicit ThreadCpuLock(Thread* t);
  ~ThreadCpuLock() { c_->lock.unlock(flags_); }
  ThreadCpuLock(const ThreadCpuLock&) = delete;
  ThreadCpuLock& operator=(const ThreadCpuLock&) = delete;
  PerCpu* cpu() const { return c_; }

 private:
  PerCpu* c_;
  hal::IrqFlags flags_;
};

// Two CPU locks in index order (one if a == b).
class DoubleCpuLock {
 public:
  DoubleCpuLock(PerCpu* a, PerCpu* b);
  ~DoubleCpuLock();
  DoubleCpuLock(const DoubleCpuLock&) = delete;
  DoubleCpuLock& operator=(const DoubleCpuLock&) = delete;

 private:
  PerCpu* first_;
  PerCpu* second_;  // nullptr when a == b
  hal::IrqFlags f1_ = 0, f2_ = 0;
};

inline Thread* thread_of(SchedEntity* e) {
  return reinterpret_cast<Thread*>(reinterpret_cast<char*>(e) - offsetof(Thread, se));
}

inline int eff_rank(const Thread* t) {
  return t->is_idle ? kIdleRank : rank_of(t->se.policy, t->se.priority);
}
inline int base_rank(const Thread* t) {
  return t->is_idle ? kIdleRank : rank_of(t->base_policy, t->base_priority);
}

// CPUs to poke after dropping the locks: a Reschedule IPI to `resched`
// (remote), and an idle CPU that should come and pull work.
struct Kick {
  PerCpu* resched = nullptr;
  int idle = -1;
};
void do_kick(const Kick& k);

// Picks the next thread on `c` (this CPU) and switches to it. Interrupts
// must be off and no scheduler lock held. `yield` sends a still-running
// current thread to the tail of its priority; otherwise it is requeued as
// preempted. A current thread that is Blocked or Dead is not requeued.
void schedule(PerCpu* c, bool yield);

// Makes a Blocked thread runnable, on an allowed CPU chosen by the balancer
// when it is off every CPU (else on its own), and preempts there if it
// should. false if it was not blocked.
bool wake_thread(Thread* t, WakeReason reason);
// First enqueue of a new thread (t->cpu already chosen).
void start_thread(Thread* t);

// Run-queue membership with load bookkeeping (c->lock held).
void rq_add(PerCpu* c, Thread* t, bool tail);
void rq_del(PerCpu* c, Thread* t);
void update_load(PerCpu* c);
// Does queued/running `t` on `c` now call for a reschedule there? Sets
// need_resched locally, returns the CPU to IPI otherwise (c->lock held).
PerCpu* check_preempt_locked(PerCpu* c, Thread* t);

// Applies a new effective policy/priority (PI boost or a set_policy),
// repositioning `t` in its run queue and wait queue. Takes the wait queue's
// and the CPU's lock itself (none may be held; the PI lock may).
void apply_effective(Thread* t, Policy policy, int priority);

// Arms `t` on c->timers (c->lock held) and reprograms the hardware timer
// when c is this CPU.
void add_timer_locked(PerCpu* c, Timer* t, std::uint64_t deadline_ns);
// Arms the thread's own timer on this CPU (c->lock held).
void arm_thread_timer_locked(PerCpu* c, Thread* t, std::uint64_t deadline_ns, TimerCallback cb);
// Cancels the thread's own timer wherever it is queued, waiting for a
// callback already running on another CPU to finish.
void cancel_thread_timer_sync(Thread* t);
// Programs this CPU's one-shot timer for the nearest of: the first hrtimer,
// the end of the current slice when a peer waits.
void program_timer_locked(PerCpu* c, std::uint64_t now_ns);

// Runs on a CPU right after a switch (and at the start of each schedule):
// marks the previous thread as off the CPU, frees it if it died detached,
// then hands queued-for-migration threads to their new CPUs.
void finish_switch(PerCpu* c);
void drain_migrations(PerCpu* c);
// Migration and load balancing exist only in SMP builds: with one CPU a
// thread's affinity always includes it (set_affinity refuses masks without
// an online CPU), so nothing is ever queued for migration and there is no
// CPU to pull from or kick; the balancer is then compiled out.
inline constexpr bool kBalancing = FUSION_CONFIG_SMP;
// Idle CPU: takes one runnable thread from the busiest CPU (affinity
// permitting). True if something was pulled.
bool try_pull(PerCpu* c);
// Balancer snapshot of all CPUs.
struct LoadSnapshot {
  CpuLoad cpus[kMaxCpus];
  unsigned n = 0;
};
void snapshot_load(LoadSnapshot* s);

// Drops one of the two release references (exit path, join/detach).
void release_ref(Thread* t);

// Thread allocation (thread.cpp).
Thread* alloc_thread(const char* name, int priority, Policy policy, unsigned cpu);
void register_thread(Thread* t);
// A kernel stack with an unmapped guard page below it; false without memory.
bool alloc_stack(Thread* t);
// First switch into `t` runs entry(arg) through the common thread trampoline.
void prepare_context(Thread* t, hal::ThreadEntry entry, void* arg);
void set_name(Thread* t, const char* name);

// Absolute counter value at which uptime_ns() reaches `ns` (rounded up).
std::uint64_t uptime_to_ticks(std::uint64_t ns);

PerCpu* setup_cpu(unsigned index);  // placement-constructs cpus[index]
void wait_timeout_fired(Thread* t);

// wait.cpp internals used by the mutex.
struct WaitAccess {
  static klib::SpinLockIrq& lock(WaitQueue& q) { return q.lock_; }
  static Thread* head(WaitQueue& q) { return q.head_; }
  static void insert_locked(WaitQueue& q, Thread* t) { q.insert_locked(t); }
  static void remove_locked(WaitQueue& q, Thread* t) { q.remove_locked(t); }
  static WaitQueue& waiters(Mutex& m) { return m.waiters_; }
  static std::atomic<Thread*>& owner(Mutex& m) { return m.owner_; }
  static Mutex*& held_next(Mutex& m) { return m.held_next_; }
  static Mutex*& held_prev(Mutex& m) { return m.held_prev_; }
  static MutexProtocol protocol(const Mutex& m) { return m.protocol_; }
};
// Queues the current thread `self` (running on c) on `q` as Blocked, with a
// timeout timer unless deadline is kForever. q's lock held; takes c->lock.
void block_on_locked(WaitQueue& q, PerCpu* c, Thread* self, std::uint64_t deadline);

}  // namespace sched::detail
