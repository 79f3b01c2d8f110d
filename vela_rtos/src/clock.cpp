// Vela clocks and sleeping: CLOCK_MONOTONIC/BOOTTIME from the scheduler's
// uptime, CLOCK_REALTIME = the scheduler's wall clock (RTC at boot, settable); nanosleep and
// clock_nanosleep (relative or TIMER_ABSTIME, EINTR with the time left),
// usleep, sleep, gettimeofday, the NuttX system tick.
#include "signal_internal.hpp"

namespace vela {
namespace {

bool known_clock(vsig::clockid_t c) {
  return c == vsig::kClockRealtime || c == vsig::kClockMonotonic || c == vsig::kClockBoottime;
}

std::uint64_t now_on(vsig::clockid_t c) {
  return c == vsig::kClockRealtime ? sched::realtime_ns() : sched::uptime_ns();
}

// Sleeps `ns`; 0 when it elapsed, else the error (INTR after the handlers
// ran with *left set, or the caller's cancellation acted on).
Error sleep_for(std::uint64_t ns, std::uint64_t* left) {
  const std::uint64_t start = sched::uptime_ns();
  sched::WaitQueue wq;
  auto r = wait_intr(
      wq, [] { return false; }, ns);
  if (r || r.error() == Error::TIMEDOUT) return Error{};
  if (r.error() == Error::CANCELED) cancellation_point();
  const std::uint64_t spent = sched::uptime_ns() - start;
  if (left) *left = spent < ns ? ns - spent : 0;
  kernel::signal_deliver();
  return Error::INTR;
}

}  // namespace

std::uint64_t realtime_offset_ns() {
  return static_cast<std::uint64_t>(sched::realtime_offset_ns());
}

bool valid_timespec(const vsig::timespec* ts) {
  return ts && ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < 1'000'000'000;
}

}  // namespace vela

using namespace vela;

VELA_API(int, clock_gettime, vsig::clockid_t clock, vsig::timespec* tp) {
  if (!tp || !known_clock(clock)) return fail(Error::INVAL);
  *tp = ns_to_ts(now_on(clock));
  return 0;
}

VELA_API(int, clock_settime, vsig::clockid_t clock, const vsig::timespec* tp) {
  if (!valid_timespec(tp)) return fail(Error::INVAL);
  if (clock != vsig::kClockRealtime) return fail(known_clock(clock) ? Error::PERM : Error::INVAL);
  sched::set_realtime_ns(ts_to_ns(*tp));
  return 0;
}

VELA_API(int, clock_getres, vsig::clockid_t clock, vsig::timespec* res) {
  if (!known_clock(clock)) return fail(Error::INVAL);
  if (res) *res = vsig::timespec{0, 1};  // uptime_ns counts nanoseconds (scaled counter)
  return 0;
}

VELA_API(int, nanosleep, const vsig::timespec* req, vsig::timespec* rem) {
  if (!valid_timespec(req)) return fail(Error::INVAL);
  std::uint64_t left = 0;
  const Error e = sleep_for(ts_to_ns(*req), &left);
  if (e == Error{}) return 0;
  if (rem) *rem = ns_to_ts(left);
  return fail(e);
}

VELA_API(int, clock_nanosleep, vsig::clockid_t clock, int flags, const vsig::timespec* req,
         vsig::timespec* rem) {
  if (!known_clock(clock)) return err(Error::INVAL);
  if (!valid_timespec(req)) return err(Error::INVAL);
  const bool abs = flags & vsig::kTimerAbstime;
  std::uint64_t ns = ts_to_ns(*req);
  if (abs) {
    const std::uint64_t now = now_on(clock);
    ns = ns > now ? ns - now : 0;
  }
  std::uint64_t left = 0;
  const Error e = sleep_for(ns, &left);
  if (e == Error{}) return 0;
  if (rem && !abs) *rem = ns_to_ts(left);
  return err(e);
}

VELA_API(int, usleep, unsigned long usec) {
  if (usec >= 1'000'000) return fail(Error::INVAL);  // POSIX: useconds below one second
  const Error e = sleep_for(usec * 1000ull, nullptr);
  return e == Error{} ? 0 : fail(e);
}

VELA_API(unsigned, sleep, unsigned seconds) {
  std::uint64_t left = 0;
  const Error e = sleep_for(seconds * 1'000'000'000ull, &left);
  if (e == Error{}) return 0;
  return static_cast<unsigned>((left + 999'999'999u) / 1'000'000'000u);
}

VELA_API(int, gettimeofday, vsig::timeval* tv, void* tz) {
  (void)tz;
  if (!tv) return fail(Error::INVAL);
  const std::uint64_t ns = now_on(vsig::kClockRealtime);
  tv->tv_sec = static_cast<vsig::time_t>(ns / 1'000'000'000u);
  tv->tv_usec = static_cast<long>(ns % 1'000'000'000u / 1000u);
  return 0;
}

VELA_API(int, settimeofday, const vsig::timeval* tv, const void* tz) {
  (void)tz;
  if (!tv || tv->tv_usec < 0 || tv->tv_usec >= 1'000'000) return fail(Error::INVAL);
  vsig::timespec ts{tv->tv_sec, tv->tv_usec * 1000};
  return vela_clock_settime(vsig::kClockRealtime, &ts);
}

VELA_API(std::uint64_t, clock_systime_ticks) { return sched::uptime_ns() / vsig::kNsPerTick; }
