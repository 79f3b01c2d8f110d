// Clocks and sleeping over the scheduler's monotonic time. CLOCK_REALTIME
// is the scheduler's wall clock, shared with the Vela personality: set from
// the board's RTC at boot (hal/drivers/*_rtc.cpp), else counting from the
// epoch at boot, like a machine whose clock was never set.
#include <hal/timer.hpp>
#include <kernel/signal.hpp>
#include <mm/usercopy.hpp>
#include <sched/sched.hpp>

#include "../linux_process.hpp"
#include "syscalls.hpp"

namespace linux_compat {
namespace {

using klib::Error;

struct Timespec {
  std::int64_t sec, nsec;
};

constexpr std::int64_t kNsPerSec = 1'000'000'000;

Timespec to_timespec(std::uint64_t ns) {
  return {static_cast<std::int64_t>(ns / kNsPerSec), static_cast<std::int64_t>(ns % kNsPerSec)};
}

// CLOCK_* ids: REALTIME 0, MONOTONIC 1, PROCESS_CPUTIME 2, THREAD_CPUTIME 3,
// MONOTONIC_RAW 4, REALTIME_COARSE 5, MONOTONIC_COARSE 6, BOOTTIME 7.
klib::Result<std::uint64_t> clock_ns(std::uint64_t id) {
  switch (id) {
    case 0:
    case 5:
      return sched::realtime_ns();
    case 1:
    case 4:
    case 6:
    case 7:
      return sched::uptime_ns();
    case 2:
    case 3:
      return sched::current()->runtime_ns;
    default:
      return klib::Err(Error::INVAL);
  }
}

}  // namespace

long sys_clock_gettime(const Args& a) {
  auto ns = clock_ns(a.a[0]);
  if (!ns.ok()) return ret(ns);
  const Timespec ts = to_timespec(*ns);
  return ret(mm::put_user(a.a[1], ts));
}

// Every clock here, CPU-time ones included, counts the timer's ticks: its
// resolution is one tick, rounded up to whole nanoseconds.
long sys_clock_getres(const Args& a) {
  if (!clock_ns(a.a[0]).ok()) return err(Error::INVAL);
  if (!a.a[1]) return 0;
  const std::uint64_t hz = hal::timer_frequency_hz();
  const Timespec res{0, static_cast<std::int64_t>(hz ? (kNsPerSec + hz - 1) / hz : 1)};
  return ret(mm::put_user(a.a[1], res));
}

long sys_gettimeofday(const Args& a) {
  const Timespec ts = to_timespec(sched::realtime_ns());
  const std::int64_t tv[2] = {ts.sec, ts.nsec / 1000};
  if (a.a[0] && !mm::copy_to_user(a.a[0], tv, sizeof tv).ok()) return err(Error::FAULT);
  if (a.a[1]) {
    const std::int32_t tz[2] = {0, 0};
    if (!mm::copy_to_user(a.a[1], tz, sizeof tz).ok()) return err(Error::FAULT);
  }
  return 0;
}

namespace {

// Interrupted by a signal the caller handles: EINTR, with the time left in
// `urem` for a relative sleep (never restarted, as the brief for nanosleep
// and Linux's handled-signal case agree).
long sleep_for(std::uintptr_t ureq, std::uintptr_t urem, bool absolute, std::uint64_t clock) {
  Timespec req;
  if (!mm::get_user(&req, ureq).ok()) return err(Error::FAULT);
  if (req.sec < 0 || req.nsec < 0 || req.nsec >= kNsPerSec) return err(Error::INVAL);
  std::uint64_t ns =
      static_cast<std::uint64_t>(req.sec) * kNsPerSec + static_cast<std::uint64_t>(req.nsec);
  if (absolute) {
    const std::uint64_t now = *clock_ns(clock);
    ns = ns > now ? ns - now : 0;
  }
  if (!ns) return 0;
  const std::uint64_t start = *clock_ns(1);
  sched::WaitQueue wq;
  auto r = kernel::signal_wait(
      wq, [] { return false; }, ns);
  if (r.ok() || r.error() != Error::INTR) return 0;  // TIMEDOUT: slept the whole time
  if (urem && !absolute) {
    const std::uint64_t spent = *clock_ns(1) - start;
    const std::uint64_t left = spent < ns ? ns - spent : 0;
    Timespec rem;
    rem.sec = static_cast<decltype(rem.sec)>(left / kNsPerSec);
    rem.nsec = static_cast<decltype(rem.nsec)>(left % kNsPerSec);
    if (!mm::put_user(urem, rem).ok()) return err(Error::FAULT);
  }
  return err(Error::INTR);
}

constexpr std::uint64_t kTimerAbstime = 1;

}  // namespace

long sys_nanosleep(const Args& a) { return sleep_for(a.a[0], a.a[1], false, 1); }

long sys_clock_nanosleep(const Args& a) {
  const std::uint64_t clock = a.a[0], flags = a.a[1];
  // Sleeping on a CPU-time clock is not supported by Linux either.
  if (clock == 2 || clock == 3 || !clock_ns(clock).ok()) return err(Error::INVAL);
  if (flags & ~kTimerAbstime) return err(Error::INVAL);
  return sleep_for(a.a[2], a.a[3], flags & kTimerAbstime, clock);
}

}  // namespace linux_compat
