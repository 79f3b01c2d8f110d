// NuttX watchdogs over the scheduler's hrtimers: wd_start arms a
// sched::Timer on the calling CPU; the handler runs in that CPU's timer
// interrupt (as in NuttX). Ticks are fusion/time.h's 10 ms units.
#include <sched/hrtimer.hpp>

#include <new>

#include "signal_internal.hpp"
#include "wdog_internal.hpp"

namespace vela {
namespace {

klib::SpinLockIrq g_wd_lock;  // func/cpu/expiry of every watchdog

sched::Timer* timer_of(vwd::wdog_s* w) { return reinterpret_cast<sched::Timer*>(w->__k); }

void expired(sched::Timer*, void* arg) {
  auto* w = static_cast<vwd::wdog_s*>(arg);
  vwd::wdentry_t fn;
  vwd::wdparm_t a;
  {
    klib::SpinGuard guard(g_wd_lock);
    fn = w->func;
    a = w->arg;
    // Cancelled while the interrupt was on its way, or a stale expiry of an
    // earlier arming (re-armed since: the deadline moved).
    if (!fn || sched::uptime_ns() < w->__expiry_ns) return;
    w->func = nullptr;  // cleared first: the handler may re-arm it
    __atomic_store_n(&w->__busy, 1u, __ATOMIC_RELEASE);
  }
  fn(a);
  __atomic_store_n(&w->__busy, 0u, __ATOMIC_RELEASE);
}

// Removes a pending timer (g_wd_lock held).
void disarm_locked(vwd::wdog_s* w) {
  if (!w->func) return;
  (void)sched::timer_cancel(w->__cpu, timer_of(w));
  w->func = nullptr;
}

}  // namespace

int wd_start_ns(vwd::wdog_s* w, std::uint64_t delay_ns, vwd::wdentry_t fn, vwd::wdparm_t arg) {
  if (!w || !fn) return -vela_errno_from(Error::INVAL);
  klib::SpinGuard guard(g_wd_lock);
  disarm_locked(w);
  sched::Timer* t = timer_of(w);
  if (t->state == sched::Timer::State::Idle && !t->callback) new (t) sched::Timer();
  t->callback = expired;
  t->arg = w;
  w->arg = arg;
  w->func = fn;
  const std::uint64_t now = sched::uptime_ns();
  w->__expiry_ns = delay_ns > sched::kForever - now ? sched::kForever : now + delay_ns;
  w->__cpu = sched::timer_arm(t, w->__expiry_ns);
  return 0;
}

void wd_disarm(vwd::wdog_s* w) {
  klib::SpinGuard guard(g_wd_lock);
  disarm_locked(w);
}

bool wd_cancel_sync(vwd::wdog_s* w) {
  bool was;
  {
    klib::SpinGuard guard(g_wd_lock);
    was = w->func != nullptr;
    disarm_locked(w);
  }
  // A handler already running elsewhere finishes before the owner may reuse it.
  while (__atomic_load_n(&w->__busy, __ATOMIC_ACQUIRE)) {
  }
  return was;
}

}  // namespace vela

using namespace vela;

VELA_API(int, wd_start, vwd::wdog_s* wdog, vwd::sclock_t delay, vwd::wdentry_t entry,
         vwd::wdparm_t arg) {
  if (delay < 0) return -vela_errno_from(Error::INVAL);
  return wd_start_ns(wdog, static_cast<std::uint64_t>(delay) * vsig::kNsPerTick, entry, arg);
}

VELA_API(int, wd_cancel, vwd::wdog_s* wdog) {
  if (!wdog) return -vela_errno_from(Error::INVAL);
  klib::SpinGuard guard(g_wd_lock);
  if (!wdog->func) return -vela_errno_from(Error::INVAL);
  disarm_locked(wdog);
  return 0;
}

VELA_API(vwd::sclock_t, wd_gettime, vwd::wdog_s* wdog) {
  if (!wdog) return 0;
  klib::SpinGuard guard(g_wd_lock);
  if (!wdog->func) return 0;
  const std::uint64_t now = sched::uptime_ns();
  if (wdog->__expiry_ns <= now) return 0;
  return static_cast<vwd::sclock_t>((wdog->__expiry_ns - now + vsig::kNsPerTick - 1) /
                                    vsig::kNsPerTick);
}
