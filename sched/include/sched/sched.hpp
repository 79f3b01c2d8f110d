// The scheduler's kernel API: bring-up, threads, policies, affinity,
// sleeping, preemption control and statistics. Blocking primitives are in
// <sched/wait.hpp>. RT priorities: 0 lowest .. 255 highest (kDefaultPriority
// = 128); the fair class (nice -20..19) runs below every RT priority.
#pragma once

#include <hal/context.hpp>
#include <klib/result.hpp>
#include <sched/percpu.hpp>
#include <sched/thread.hpp>
#include <sched/wait.hpp>

#include <cstdint>
#include <type_traits>

namespace sched {

// --- bring-up -------------------------------------------------------------
// Boot CPU, after mm is up and before interrupts are enabled: the boot flow
// becomes thread "main" (default priority, may block) on CPU 0, and CPU 0
// gets an idle thread of its own.
void init_boot_cpu();
// A secondary CPU before it enables interrupts: its flow becomes its idle thread.
void init_secondary_cpu(unsigned cpu);
// The calling flow runs as this CPU's idle loop (secondaries after
// init_secondary_cpu). On a non-idle thread (e.g. "main") it exits the thread.
[[noreturn]] void idle_loop();
unsigned cpu_index_or_zero();
unsigned cpus_online();

// --- threads ----------------------------------------------------------------
struct ThreadAttr {
  Policy policy = Policy::RoundRobin;
  int priority = kDefaultPriority;  // RT policies: 0..255
  int nice = 0;                     // Fair: -20..19
  int cpu = -1;                     // first CPU; -1: least loaded allowed one
  CpuMask affinity = kAllCpus;      // CPUs it may run on (and migrate between)
};
// Creates and starts a kernel thread running fn(arg). INVAL for a bad
// priority/nice, a CPU outside the affinity or no allowed online CPU; NOMEM
// without memory for the thread or its stack.
klib::Result<Thread*> thread_create(const char* name, hal::ThreadEntry fn, void* arg,
                                    const ThreadAttr& attr);
// Shorthand: cpu >= 0 pins the thread to that CPU (affinity = that CPU
// only); cpu -1 starts it on the least loaded CPU, free to migrate.
klib::Result<Thread*> thread_create(const char* name, hal::ThreadEntry fn, void* arg,
                                    int priority = kDefaultPriority, int cpu = -1,
                                    Policy policy = Policy::RoundRobin);
// Waits for `t` to exit, frees it and returns its exit code. Each thread is
// joined or detached exactly once. DEADLK for joining oneself.
klib::Result<int> thread_join(Thread* t);
// Frees `t` once it exits (or now, if it already has).
void thread_detach(Thread* t);
[[noreturn]] void thread_exit(int code);
Thread* current();

void yield();
// Blocks for at least `ns` nanoseconds (0 just yields).
void sleep_ns(std::uint64_t ns);

// --- policy and affinity ------------------------------------------------------
// Sets the base policy: RT (Fifo/RoundRobin) with priority 0..255, Fair with
// nice -20..19 in `priority_or_nice`, Idle (value ignored). The effective
// priority stays raised while inherited from mutex waiters. INVAL when out
// of range. Takes effect at once (requeue, preemption, PI chain).
klib::Result<void> set_policy(Thread* t, Policy policy, int priority_or_nice);
// Base RT priority, keeping an RT policy (a fair thread becomes
// RoundRobin); an out-of-range priority is ignored (use set_policy to see
// the error).
void set_priority(Thread* t, int priority);
// Restricts `t` to `mask` (bits beyond the online CPUs are kept but
// ignored). INVAL if no online CPU is in it. A thread whose CPU is no longer
// allowed migrates: at once if queued, at its next switch if running
// (the caller itself, before this returns unless it holds sched_lock).
klib::Result<void> set_affinity(Thread* t, CpuMask mask);
CpuMask get_affinity(const Thread* t);
// Effective values (with inheritance) and the base ones.
int effective_priority(const Thread* t);  // RT priority, or -1 if in the fair class
int base_priority(const Thread* t);       // RT priority, or -1 for fair/idle policies
Policy effective_policy(const Thread* t);

// --- preemption control -------------------------------------------------------
// Nested; while >0 the current thread is not preempted by interrupts nor
// migrated (it may still block). preempt_enable reschedules if a
// preemption was deferred.
void preempt_disable();
void preempt_enable();
// NuttX sched_lock()/sched_unlock(): the calling thread keeps its CPU (no
// preemption by other threads there, no migration) until the matching
// unlock, which performs a reschedule that became due meanwhile. Nested.
// The lock is per CPU, as NuttX intends it on SMP (apache/nuttx#1137,
// #3600): other CPUs keep scheduling, so it is NOT a critical section
// against code on other CPUs - use a spinlock or mutex for that. A thread
// that blocks while holding it simply gives up the CPU (the count travels
// with the thread).
void sched_lock();
void sched_unlock();
int sched_lock_count();  // of the calling thread
// A reschedule requested while interrupts were on (a wake-up of a
// higher-priority thread on this CPU) happens here when preemption is
// enabled; primitives call it after waking someone.
void preempt_point();

// --- time and statistics ----------------------------------------------------
std::uint64_t uptime_ns();
// The one wall clock both personalities read (CLOCK_REALTIME): uptime plus
// an offset that an RTC driver sets at boot and clock_settime moves. Without
// an RTC it counts from the epoch at boot.
std::uint64_t realtime_ns();
std::int64_t realtime_offset_ns();
void set_realtime_ns(std::uint64_t now_ns);
std::uint64_t ns_to_ticks(std::uint64_t ns);  // rounded up
std::uint64_t ticks_to_ns(std::uint64_t ticks);

struct ThreadInfo {
  unsigned id;
  const char* name;
  const char* state;
  int priority;  // effective RT priority (with inheritance); -1 fair class or idle
  int cpu;
  std::uint64_t runtime_ns;
  std::uint64_t switches_in;
  int base_priority;   // RT priority asked for; -1 for fair/idle policies
  const char* policy;  // base policy: "fifo", "rr", "fair", "idle"
  int nice;
  CpuMask affinity;
  std::uint64_t migrations;
};
struct CpuStats {
  unsigned index;
  bool online;
  std::uint64_t context_switches;
  std::uint64_t ipis_received;
  std::uint64_t ipis_sent;
  std::uint64_t timer_irqs;
  std::uint64_t runnable;
  const char* current;
  std::uint64_t pulls;  // threads pulled from other CPUs while idle
};

// Calls fn for every thread, holding the thread-list lock (fn must not block).
void for_each_thread(void (*fn)(const ThreadInfo&, void*), void* ctx);
template <typename Fn>
void for_each_thread(Fn&& fn) {
  for_each_thread(
      [](const ThreadInfo& t, void* c) { (*static_cast<std::remove_reference_t<Fn>*>(c))(t); },
      const_cast<void*>(static_cast<const void*>(&fn)));
}
// false if `cpu` never came online.
bool cpu_stats(unsigned cpu, CpuStats* out);

}  // namespace sched
