// Per-CPU bring-up (boot CPU and secondaries), the idle loop, the clock.
#include <hal/cpu.hpp>
#include <hal/timer.hpp>
#include <klib/assert.hpp>
#include <klib/printk.hpp>
#include <sched/sched.hpp>
#include <sched/time.hpp>

#include <atomic>
#include <new>

#include "internal.hpp"

namespace sched {
namespace {

// Raw storage, constructed in setup_cpu(): the kernel does not rely on
// global constructors, and RunQueue's lists need one.
alignas(PerCpu) unsigned char g_cpu_storage[kMaxCpus][sizeof(PerCpu)];
std::atomic<bool> g_cpu_ready[kMaxCpus];
std::atomic<unsigned> g_cpus_online{0};
std::uint64_t g_boot_ticks = 0;
std::uint64_t g_freq_hz = 0;

Thread* make_idle(unsigned index) {
  char name[kThreadNameMax];
  klib::format(name, sizeof name, "idle/%u", index);
  Thread* t = detail::alloc_thread(name, 0, Policy::Fifo, index);
  KASSERT(t);
  t->is_idle = true;  // never exits, so never freed
  return t;
}

[[noreturn]] void idle_entry(void*) { idle_loop(); }

}  // namespace

PerCpu* cpu(unsigned index) {
  if (index >= kMaxCpus || !g_cpu_ready[index].load(std::memory_order_acquire)) return nullptr;
  return std::launder(reinterpret_cast<PerCpu*>(g_cpu_storage[index]));
}

unsigned cpus_online() { return g_cpus_online.load(std::memory_order_relaxed); }

unsigned cpu_index_or_zero() {
  PerCpu* c = this_cpu();
  return c ? c->index : 0;
}

std::uint64_t uptime_ns() {
  if (!g_freq_hz) return 0;
  return sched::ticks_to_ns(hal::timer_ticks() - g_boot_ticks, g_freq_hz);
}
namespace {
std::atomic<std::int64_t> g_realtime_offset{0};  // realtime - uptime, ns
}  // namespace

std::int64_t realtime_offset_ns() { return g_realtime_offset.load(std::memory_order_relaxed); }
std::uint64_t realtime_ns() {
  return uptime_ns() + static_cast<std::uint64_t>(realtime_offset_ns());
}
void set_realtime_ns(std::uint64_t now_ns) {
  g_realtime_offset.store(
      static_cast<std::int64_t>(now_ns) - static_cast<std::int64_t>(uptime_ns()),
      std::memory_order_relaxed);
}

std::uint64_t ticks_to_ns(std::uint64_t ticks) {
  return g_freq_hz ? sched::ticks_to_ns(ticks, g_freq_hz) : 0;
}
std::uint64_t ns_to_ticks(std::uint64_t ns) { return ns_to_ticks_ceil(ns, g_freq_hz); }

namespace detail {

std::uint64_t uptime_to_ticks(std::uint64_t ns) {
  return g_boot_ticks + ns_to_ticks_ceil(ns, g_freq_hz);
}

PerCpu* setup_cpu(unsigned index) {
  KASSERT(index < kMaxCpus && !g_cpu_ready[index].load());
  PerCpu* c = new (g_cpu_storage[index]) PerCpu();
  c->index = index;
  c->last_account_ns = uptime_ns();
  g_cpu_ready[index].store(true, std::memory_order_release);
  return c;
}

}  // namespace detail

void init_boot_cpu() {
  g_freq_hz = hal::timer_frequency_hz();
  KASSERT(g_freq_hz != 0);
  g_boot_ticks = hal::timer_ticks();
  PerCpu* c = detail::setup_cpu(0);

  // The boot flow becomes "main": an ordinary thread that may block. Its
  // stack is the boot stack in .bss, which it keeps.
  Thread* main = detail::alloc_thread("main", kDefaultPriority, Policy::RoundRobin, 0);
  KASSERT(main);
  // Pinned: boot code and the KTEST runner assume they stay on CPU 0
  // (set_affinity can free it).
  main->affinity = cpu_bit(0);
  main->state.store(ThreadState::Running, std::memory_order_relaxed);
  main->on_cpu.store(true, std::memory_order_relaxed);
  detail::register_thread(main);
  c->current = main;
  detail::update_load(c);

  // CPU 0 needs a separate idle thread since "main" is busy booting.
  Thread* idle = make_idle(0);
  KASSERT(detail::alloc_stack(idle));
  detail::prepare_context(idle, idle_entry, nullptr);
  idle->state.store(ThreadState::Runnable, std::memory_order_relaxed);
  detail::register_thread(idle);
  c->idle = idle;

  hal::set_cpu_local(c);
  c->online = true;
  g_cpus_online.fetch_add(1);
}

void init_secondary_cpu(unsigned index) {
  PerCpu* c = detail::setup_cpu(index);
  // This flow (on the stack hal::cpu_start was given) is the idle thread.
  Thread* idle = make_idle(index);
  idle->state.store(ThreadState::Running, std::memory_order_relaxed);
  idle->on_cpu.store(true, std::memory_order_relaxed);
  detail::register_thread(idle);
  c->idle = idle;
  c->current = idle;
  detail::update_load(c);
  hal::set_cpu_local(c);
  c->online = true;
  g_cpus_online.fetch_add(1);
  hal::timer_cancel();
}

[[noreturn]] void idle_loop() {
  PerCpu* c = this_cpu();
  KASSERT(c);
  if (!c->current->is_idle) thread_exit(0);
  for (;;) {
    hal::irq_disable();
    bool work;
    {
      klib::SpinGuard guard(c->lock);
      work = !c->rq.empty();
    }
    // Nothing here: take a thread from an overloaded CPU.
    if (detail::kBalancing && !work && cpus_online() > 1 && detail::try_pull(c)) work = true;
    if (work || c->need_resched.load(std::memory_order_relaxed)) {
      detail::schedule(c, false);
    } else {
      // Interrupts stay masked until after wfi, so a wake-up IPI that
      // lands between the check and the wfi still ends the wait.
      hal::wait_for_interrupt();
      c->idle_wakeups.fetch_add(1, std::memory_order_relaxed);
    }
    hal::irq_enable();
  }
}

bool cpu_stats(unsigned index, CpuStats* out) {
  PerCpu* c = cpu(index);
  if (!c) return false;
  out->index = index;
  out->online = c->online;
  out->context_switches = c->context_switches.load(std::memory_order_relaxed);
  out->ipis_received = c->ipis_received.load(std::memory_order_relaxed);
  out->ipis_sent = c->ipis_sent.load(std::memory_order_relaxed);
  out->timer_irqs = c->timer_irqs.load(std::memory_order_relaxed);
  klib::SpinGuard guard(c->lock);
  out->runnable = c->rq.size();
  out->current = c->current ? c->current->name : "-";
  out->pulls = c->pulls.load(std::memory_order_relaxed);
  return true;
}

}  // namespace sched
