// sched::timer_arm / timer_cancel: the public face of the per-CPU timer
// queues (see <sched/hrtimer.hpp>).
#include <sched/hrtimer.hpp>
#include <sched/percpu.hpp>

#include "internal.hpp"

namespace sched {

unsigned timer_arm(Timer* t, std::uint64_t deadline_ns) {
  detail::IrqSave irq;  // stay on this CPU while queueing
  PerCpu* c = this_cpu();
  klib::SpinGuard guard(c->lock);
  detail::add_timer_locked(c, t, deadline_ns);
  return c->index;
}

bool timer_cancel(unsigned cpu_index, Timer* t) {
  PerCpu* c = cpu(cpu_index);
  if (!c) return false;
  klib::SpinGuard guard(c->lock);
  return c->timers.cancel(t);
}

}  // namespace sched
