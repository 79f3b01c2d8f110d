// POSIX timers: timer_create (CLOCK_REALTIME/MONOTONIC; SIGEV_SIGNAL,
// SIGEV_THREAD through the low-priority work queue, SIGEV_NONE),
// timer_settime (relative/absolute, periodic), timer_gettime,
// timer_getoverrun, timer_delete. Each timer is a watchdog armed in ns.
#include "signal_internal.hpp"
#include "wdog_internal.hpp"

extern "C" int vela_work_cancel_sync(int qid, vwd::work_s* work) __asm__("work_cancel_sync");

namespace vela {
int work_queue_internal(int qid, vwd::work_s* w, vwd::worker_t fn, void* arg,
                        std::uint64_t delay_ns);
}

namespace vela {
namespace {

constexpr int kMaxTimers = 32;
constexpr int kSigevNone = 1, kSigevSignal = 2, kSigevThread = 3;

struct PosixTimer {
  bool used = false;
  vsig::clockid_t clock = 0;
  vsig::sigevent ev{};
  int pid = 0;  // the creating task: SIGEV_SIGNAL goes there
  vwd::wdog_s wd{};
  vwd::work_s work{};
  std::uint64_t expiry_ns = 0;  // monotonic deadline, 0 = disarmed
  std::uint64_t interval_ns = 0;
  int overrun = 0;  // expirations missed at the last notification
};

klib::SpinLockIrq g_lock;  // every timer's fields
PosixTimer g_timers[kMaxTimers];

// timer_t is an index + 1 (0 and garbage are invalid).
PosixTimer* lookup(unsigned long id) {
  if (id == 0 || id > kMaxTimers) return nullptr;
  PosixTimer* t = &g_timers[id - 1];
  return t->used ? t : nullptr;
}

void thread_notify(void* arg) {
  auto* t = static_cast<PosixTimer*>(arg);
  vsig::sigevent ev;
  {
    klib::SpinGuard guard(g_lock);
    ev = t->ev;
  }
  if (ev.sigev_notify_function) ev.sigev_notify_function(ev.sigev_value);
}

void expired(vwd::wdparm_t arg) {
  auto* t = reinterpret_cast<PosixTimer*>(arg);
  vsig::sigevent ev;
  int pid;
  {
    klib::SpinGuard guard(g_lock);
    if (!t->used || !t->expiry_ns) return;
    ev = t->ev;
    pid = t->pid;
    if (t->interval_ns) {
      // Periods that passed while this one was late count as overruns.
      const std::uint64_t now = sched::uptime_ns();
      std::uint64_t next = t->expiry_ns + t->interval_ns;
      int missed = 0;
      if (next <= now) {
        const std::uint64_t n = (now - next) / t->interval_ns + 1;
        next += n * t->interval_ns;
        missed = n > 1'000'000 ? 1'000'000 : static_cast<int>(n);
      }
      t->overrun = missed;
      t->expiry_ns = next;
      (void)wd_start_ns(&t->wd, next - now, expired, arg);
    } else {
      t->overrun = 0;
      t->expiry_ns = 0;
    }
  }
  if (ev.sigev_notify == kSigevSignal) {
    kernel::SigInfo info;
    info.signo = ev.sigev_signo;
    info.code = kernel::SigCode::Timer;
    info.sender = pid;
    info.value = reinterpret_cast<std::uintptr_t>(ev.sigev_value.sival_ptr);
    (void)kernel::signal_send_process(pid, info);
  } else if (ev.sigev_notify == kSigevThread) {
    (void)work_queue_internal(LPWORK, &t->work, thread_notify, t, 0);
  }
}

std::uint64_t remaining_locked(const PosixTimer* t) {
  if (!t->expiry_ns) return 0;
  const std::uint64_t now = sched::uptime_ns();
  return t->expiry_ns > now ? t->expiry_ns - now : 1;  // due: about to fire
}

}  // namespace
}  // namespace vela

using namespace vela;

VELA_API(int, timer_create, vsig::clockid_t clock, vsig::sigevent* ev, unsigned long* id) {
  if (!id) return fail(Error::INVAL);
  if (clock != vsig::kClockRealtime && clock != vsig::kClockMonotonic) return fail(Error::INVAL);
  vsig::sigevent e{};
  if (ev) {
    e = *ev;
    if (e.sigev_notify != kSigevNone && e.sigev_notify != kSigevSignal &&
        e.sigev_notify != kSigevThread)
      return fail(Error::INVAL);
    if (e.sigev_notify == kSigevSignal && !kernel::sig_valid(e.sigev_signo))
      return fail(Error::INVAL);
    if (e.sigev_notify == kSigevThread && !e.sigev_notify_function) return fail(Error::INVAL);
  } else {
    // POSIX default: SIGALRM with the timer id as value.
    e.sigev_notify = kSigevSignal;
    e.sigev_signo = 14;
  }
  signal_attach_current();
  if (e.sigev_notify == kSigevThread) {
    // Start the workers now, from thread context (expiry runs in interrupts).
    static vwd::work_s probe;
    (void)work_queue_internal(
        LPWORK, &probe, [](void*) {}, nullptr, 0);
  }
  klib::SpinGuard guard(g_lock);
  for (int i = 0; i < kMaxTimers; ++i) {
    PosixTimer& t = g_timers[i];
    if (t.used) continue;
    t = PosixTimer{};
    t.used = true;
    t.clock = clock;
    t.ev = e;
    if (!ev) t.ev.sigev_value.sival_int = i + 1;
    t.pid = kernel::current_pid();
    *id = static_cast<unsigned long>(i + 1);
    return 0;
  }
  return fail(Error::AGAIN);
}

VELA_API(int, timer_delete, unsigned long id) {
  PosixTimer* t;
  {
    klib::SpinGuard guard(g_lock);
    t = lookup(id);
    if (!t) return fail(Error::INVAL);
    t->expiry_ns = 0;
  }
  (void)wd_cancel_sync(&t->wd);
  (void)vela_work_cancel_sync(LPWORK, &t->work);
  klib::SpinGuard guard(g_lock);
  t->used = false;
  return 0;
}

VELA_API(int, timer_settime, unsigned long id, int flags, const vsig::itimerspec* value,
         vsig::itimerspec* ovalue) {
  if (!value || !valid_timespec(&value->it_value) || !valid_timespec(&value->it_interval))
    return fail(Error::INVAL);
  klib::SpinGuard guard(g_lock);
  PosixTimer* t = lookup(id);
  if (!t) return fail(Error::INVAL);
  if (ovalue) {
    ovalue->it_value = ns_to_ts(remaining_locked(t));
    ovalue->it_interval = ns_to_ts(t->interval_ns);
  }
  // Disarm; a handler racing with us sees expiry 0 and does nothing.
  t->expiry_ns = 0;
  wd_disarm(&t->wd);
  std::uint64_t delay = ts_to_ns(value->it_value);
  t->interval_ns = ts_to_ns(value->it_interval);
  t->overrun = 0;
  if (delay == 0) return 0;
  const std::uint64_t now = sched::uptime_ns();
  if (flags & vsig::kTimerAbstime) {
    std::uint64_t abs = delay;
    if (t->clock == vsig::kClockRealtime) {
      const std::uint64_t off = realtime_offset_ns();
      abs = abs > off ? abs - off : 0;
    }
    delay = abs > now ? abs - now : 0;
  }
  t->expiry_ns = now + delay;
  (void)wd_start_ns(&t->wd, delay, expired, reinterpret_cast<vwd::wdparm_t>(t));
  return 0;
}

VELA_API(int, timer_gettime, unsigned long id, vsig::itimerspec* value) {
  if (!value) return fail(Error::INVAL);
  klib::SpinGuard guard(g_lock);
  PosixTimer* t = lookup(id);
  if (!t) return fail(Error::INVAL);
  value->it_value = ns_to_ts(remaining_locked(t));
  value->it_interval = ns_to_ts(t->interval_ns);
  return 0;
}

VELA_API(int, timer_getoverrun, unsigned long id) {
  klib::SpinGuard guard(g_lock);
  PosixTimer* t = lookup(id);
  if (!t) return fail(Error::INVAL);
  return t->overrun;
}
