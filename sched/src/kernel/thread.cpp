// Thread lifecycle: allocation with guarded stacks, create/exit/join/detach,
// the global thread list for the monitor, and per-thread controls (policy,
// affinity, preemption / sched_lock).
#include <hal/mmu.hpp>
#include <hal/upcalls.hpp>
#include <klib/assert.hpp>
#include <klib/printk.hpp>
#include <mm/heap.hpp>
#include <sched/sched.hpp>

#include <new>

#include "internal.hpp"

namespace sched {
namespace {

// 2^order pages: the lowest is the guard page, the rest stack (order 3: 28
// KiB). Small boards choose a smaller order (FUSION_STACK_ORDER, cmake/kernel.cmake).
#ifndef FUSION_STACK_ORDER
#define FUSION_STACK_ORDER 3
#endif
constexpr unsigned kStackOrder = FUSION_STACK_ORDER;
static_assert(kStackOrder >= 1, "a stack needs a page above its guard page");
constexpr std::size_t kStackBlock = mm::kPageSize << kStackOrder;

// Freed stacks keep their unmapped guard page (hal cannot map it back), so
// they are recycled here instead of going back to the page allocator.
struct FreeStack {
  FreeStack* next;
};
klib::SpinLockIrq g_stack_lock;
FreeStack* g_free_stacks = nullptr;

klib::SpinLockIrq g_threads_lock;
Thread* g_threads = nullptr;  // doubly linked through all_next/all_prev
std::atomic<unsigned> g_next_id{0};

void free_stack(Thread* t) {
  if (!t->stack_base) return;
  auto* s = reinterpret_cast<FreeStack*>(t->stack_base);
  klib::SpinGuard guard(g_stack_lock);
  s->next = g_free_stacks;
  g_free_stacks = s;
}

void unregister_thread(Thread* t) {
  klib::SpinGuard guard(g_threads_lock);
  if (t->all_prev) {
    t->all_prev->all_next = t->all_next;
  } else {
    g_threads = t->all_next;
  }
  if (t->all_next) t->all_next->all_prev = t->all_prev;
}

void free_thread(Thread* t) {
  unregister_thread(t);
  free_stack(t);
  t->~Thread();
  mm::kfree(t);
}

void trampoline(void* arg) {
  auto* t = static_cast<Thread*>(arg);
  {
    detail::IrqSave irq;
    detail::finish_switch(this_cpu());
  }
  t->entry(t->entry_arg);
  thread_exit(0);
}

}  // namespace

namespace detail {

void set_name(Thread* t, const char* name) {
  std::size_t i = 0;
  for (; name && name[i] && i + 1 < kThreadNameMax; ++i) t->name[i] = name[i];
  t->name[i] = '\0';
}

Thread* alloc_thread(const char* name, int priority, Policy policy, unsigned cpu) {
  void* mem = mm::kzalloc(sizeof(Thread));
  if (!mem) return nullptr;
  Thread* t = new (mem) Thread();
  t->id = g_next_id.fetch_add(1);
  t->cpu.store(cpu, std::memory_order_relaxed);
  t->base_policy = policy;
  t->base_priority = static_cast<std::uint8_t>(priority);
  t->se.priority = static_cast<std::uint8_t>(priority);
  t->se.policy = policy;
  t->se.weight = policy == Policy::Idle ? kIdlePolicyWeight : kNice0Weight;
  set_name(t, name);
  return t;
}

bool alloc_stack(Thread* t) {
  std::uintptr_t block = 0;
  {
    klib::SpinGuard guard(g_stack_lock);
    if (FreeStack* s = g_free_stacks) {
      g_free_stacks = s->next;
      block = reinterpret_cast<std::uintptr_t>(s) - mm::kPageSize;
    }
  }
  if (!block) {
    auto pa = mm::alloc_pages(kStackOrder);
    if (!pa.ok()) return false;
    block = reinterpret_cast<std::uintptr_t>(hal::phys_to_virt(*pa));
    hal::unmap_kernel_page(reinterpret_cast<void*>(block));  // overflow faults
  }
  t->stack_base = block + mm::kPageSize;
  t->stack_size = kStackBlock - mm::kPageSize;
  return true;
}

void prepare_context(Thread* t, hal::ThreadEntry entry, void* arg) {
  t->entry = entry;
  t->entry_arg = arg;
  hal::context_init(&t->ctx, t->stack_base + t->stack_size, trampoline, t);
  hal::context_set_stack_guard(&t->ctx, t->stack_base - mm::kPageSize, mm::kPageSize);
}

void register_thread(Thread* t) {
  klib::SpinGuard guard(g_threads_lock);
  t->all_prev = nullptr;
  t->all_next = g_threads;
  if (g_threads) g_threads->all_prev = t;
  g_threads = t;
}

void release_ref(Thread* t) {
  if (t->release_refs.fetch_sub(1, std::memory_order_acq_rel) == 1) free_thread(t);
}

}  // namespace detail

namespace {

CpuMask online_mask() {
  CpuMask m = 0;
  for (unsigned i = 0; i < kMaxCpus; ++i) {
    PerCpu* c = cpu(i);
    if (c && c->online) m |= cpu_bit(i);
  }
  return m;
}

// Least loaded allowed online CPU (lowest index among equals).
int pick_cpu(CpuMask allowed) {
  detail::LoadSnapshot s;
  detail::snapshot_load(&s);
  int best = -1;
  for (unsigned i = 0; i < s.n; ++i) {
    if (!s.cpus[i].online || !cpu_allowed(allowed, i)) continue;
    if (best < 0 || s.cpus[i].nr_running < s.cpus[static_cast<unsigned>(best)].nr_running)
      best = static_cast<int>(i);
  }
  return best;
}

bool valid_policy_value(Policy policy, int value) {
  switch (policy) {
    case Policy::Fifo:
    case Policy::RoundRobin:
      return value >= kMinPriority && value <= kMaxPriority;
    case Policy::Fair:
      return value >= kMinNice && value <= kMaxNice;
    case Policy::Idle:
      return true;
  }
  return false;
}

}  // namespace

klib::Result<Thread*> thread_create(const char* name, hal::ThreadEntry fn, void* arg,
                                    const ThreadAttr& attr) {
  const int value = is_fair_policy(attr.policy) ? attr.nice : attr.priority;
  if (!fn || !valid_policy_value(attr.policy, value)) return klib::Err(klib::Error::INVAL);
  int cpu_index = attr.cpu;
  if (cpu_index < 0) cpu_index = pick_cpu(attr.affinity);
  if (cpu_index < 0 || !cpu(static_cast<unsigned>(cpu_index)) ||
      !cpu_allowed(attr.affinity, static_cast<unsigned>(cpu_index)))
    return klib::Err(klib::Error::INVAL);
  const int prio = is_fair_policy(attr.policy) ? 0 : attr.priority;
  Thread* t = detail::alloc_thread(name, prio, attr.policy, static_cast<unsigned>(cpu_index));
  if (!t) return klib::Err(klib::Error::NOMEM);
  t->affinity = attr.affinity;
  t->nice = static_cast<std::int8_t>(is_fair_policy(attr.policy) ? attr.nice : 0);
  if (attr.policy == Policy::Fair) t->se.weight = nice_to_weight(attr.nice);
  if (!detail::alloc_stack(t)) {
    t->~Thread();
    mm::kfree(t);
    return klib::Err(klib::Error::NOMEM);
  }
  detail::prepare_context(t, fn, arg);
  detail::register_thread(t);
  detail::start_thread(t);
  return t;
}

klib::Result<Thread*> thread_create(const char* name, hal::ThreadEntry fn, void* arg, int priority,
                                    int cpu_index, Policy policy) {
  ThreadAttr attr;
  attr.policy = policy;
  attr.priority = is_fair_policy(policy) ? 0 : priority;
  attr.cpu = cpu_index;
  attr.affinity = cpu_index >= 0 ? cpu_bit(static_cast<unsigned>(cpu_index)) : kAllCpus;
  if (!is_fair_policy(policy) && (priority < kMinPriority || priority > kMaxPriority))
    return klib::Err(klib::Error::INVAL);
  return thread_create(name, fn, arg, attr);
}

[[noreturn]] void thread_exit(int code) {
  hal::irq_disable();
  PerCpu* c = this_cpu();
  Thread* t = c->current;
  KASSERT(!t->is_idle);
  t->exit_code = code;
  {
    klib::SpinGuard guard(c->lock);
    t->state.store(ThreadState::Dead, std::memory_order_release);
  }
  // Joiners test the state under the queue lock, so they cannot miss this.
  t->exit_waiters.wake_all();
  detail::schedule(c, false);
  klib::panic("sched: dead thread %s was scheduled again", t->name);
}

klib::Result<int> thread_join(Thread* t) {
  if (t == current()) return klib::Err(klib::Error::DEADLK);
  (void)t->exit_waiters.wait_until(
      [t] { return t->state.load(std::memory_order_acquire) == ThreadState::Dead; });
  const int code = t->exit_code;
  detail::release_ref(t);  // the exit path drops the other reference once off the CPU
  return code;
}

void thread_detach(Thread* t) { detail::release_ref(t); }

Thread* current() {
  PerCpu* c = this_cpu();
  return c ? c->current : nullptr;
}

void yield() {
  detail::IrqSave irq;
  detail::schedule(this_cpu(), true);
}

void sleep_ns(std::uint64_t ns) {
  if (ns == 0) return yield();
  detail::IrqSave irq;
  PerCpu* c = this_cpu();
  Thread* t = c->current;
  KASSERT(!t->is_idle);
  {
    klib::SpinGuard guard(c->lock);
    t->state.store(ThreadState::Blocked, std::memory_order_relaxed);
    const std::uint64_t now = uptime_ns();
    detail::arm_thread_timer_locked(
        c, t, ns > kForever - now ? kForever - 1 : now + ns, [](Timer*, void* arg) {
          detail::wake_thread(static_cast<Thread*>(arg), WakeReason::TimedOut);
        });
  }
  detail::schedule(c, false);
  // We may run elsewhere now: make sure the callback is done with us.
  detail::cancel_thread_timer_sync(t);
}

void set_priority(Thread* t, int priority) {
  if (priority < kMinPriority || priority > kMaxPriority) return;
  const Policy p = is_fair_policy(t->base_policy) ? Policy::RoundRobin : t->base_policy;
  (void)set_policy(t, p, priority);
}

klib::Result<void> set_affinity(Thread* t, CpuMask mask) {
  if (!t || t->is_idle || (mask & online_mask()) == 0) return klib::Err(klib::Error::INVAL);
  PerCpu* kick = nullptr;
  bool drain_here = false;
  {
    detail::ThreadCpuLock locked(t);
    PerCpu* c = locked.cpu();
    const bool queued = t->se.queued;
    if (queued) detail::rq_del(c, t);  // re-added below: nr_migratable follows the mask
    t->affinity = mask;
    if (queued) detail::rq_add(c, t, false);
    if (!cpu_allowed(mask, c->index) && t->preempt_count == 0) {
      if (queued && !t->on_cpu.load(std::memory_order_acquire)) {
        // Hand it over now, through c's migrate list (drained by c).
        detail::rq_del(c, t);
        t->migrate_next = c->migrate_head;
        c->migrate_head = t;
        if (c == this_cpu()) {
          drain_here = true;
        } else {
          kick = c;
        }
      } else if (c->current == t || queued) {
        // Running (or still switching out): schedule() hands it over.
        if (c == this_cpu()) {
          c->need_resched.store(true, std::memory_order_relaxed);
        } else {
          kick = c;
        }
      }
      // Blocked: its wake-up picks an allowed CPU.
    }
  }
  if (kick) detail::do_kick({kick, -1});
  if (detail::kBalancing && drain_here) {
    detail::IrqSave irq;
    detail::drain_migrations(this_cpu());
  }
  preempt_point();
  return klib::ok();
}

CpuMask get_affinity(const Thread* t) { return t->affinity; }

int effective_priority(const Thread* t) { return t->is_idle || t->se.fair() ? -1 : t->se.priority; }
int base_priority(const Thread* t) {
  return t->is_idle || is_fair_policy(t->base_policy) ? -1 : t->base_priority;
}
Policy effective_policy(const Thread* t) { return t->se.policy; }

void preempt_disable() { ++current()->preempt_count; }

void preempt_enable() {
  Thread* t = current();  // preemption is off: this cannot change under us
  KASSERT(t->preempt_count > 0);
  --t->preempt_count;
  preempt_point();
}

void sched_lock() { preempt_disable(); }
void sched_unlock() { preempt_enable(); }
int sched_lock_count() { return current()->preempt_count; }

void preempt_point() {
  if (!hal::irqs_enabled()) return;  // interrupt context or caller's critical section
  detail::IrqSave irq;
  PerCpu* c = this_cpu();         // read with interrupts off: we cannot move meanwhile
  if (!c || !c->current) return;  // before the scheduler is up
  if (c->current->preempt_count == 0 && c->need_resched.load(std::memory_order_relaxed))
    detail::schedule(c, false);
}

const char* policy_name(Policy p) {
  switch (p) {
    case Policy::Fifo:
      return "fifo";
    case Policy::RoundRobin:
      return "rr";
    case Policy::Fair:
      return "fair";
    case Policy::Idle:
      return "idle";
  }
  return "?";
}

const char* state_name(ThreadState s) {
  switch (s) {
    case ThreadState::Runnable:
      return "runnable";
    case ThreadState::Running:
      return "running";
    case ThreadState::Blocked:
      return "blocked";
    case ThreadState::Dead:
      return "dead";
  }
  return "?";
}

void for_each_thread(void (*fn)(const ThreadInfo&, void*), void* ctx) {
  const std::uint64_t now = uptime_ns();
  klib::SpinGuard guard(g_threads_lock);
  for (Thread* t = g_threads; t; t = t->all_next) {
    std::uint64_t runtime = t->runtime_ns;
    // A running thread is charged only when it stops or a tick lands: add
    // the time since (a racy read of another CPU's counter, fine for stats).
    PerCpu* c = cpu(t->cpu);
    if (c && c->current == t && now > c->last_account_ns) runtime += now - c->last_account_ns;
    const ThreadInfo info{t->id,
                          t->name,
                          state_name(t->state.load(std::memory_order_relaxed)),
                          effective_priority(t),
                          static_cast<int>(t->cpu.load(std::memory_order_relaxed)),
                          runtime,
                          t->switches_in,
                          base_priority(t),
                          t->is_idle ? "idle" : policy_name(t->base_policy),
                          t->nice,
                          t->affinity,
                          t->migrations};
    fn(info, ctx);
  }
}

}  // namespace sched

extern "C" [[noreturn]] void kernel_thread_exit() { sched::thread_exit(0); }
