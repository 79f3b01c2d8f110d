// Shared by the Vela signal, clock, timer and message-queue files: the C ABI
// of <sys/signal.h> and <mqueue.h> seen from kernel C++ (in
// namespace vsig; tests/vela/signal_test.c checks sizes), clock helpers and
// the wait used by every blocking call here (cancellation point + EINTR).
#pragma once

#include <kernel/signal.hpp>

#include "pthread_internal.hpp"

namespace vsig {
using vabi::clockid_t;
using vabi::pid_t;
using vabi::time_t;
using vabi::timespec;
using size_t = std::size_t;
using ssize_t = long;
using uid_t = std::uint32_t;
using sigset_t = std::uint64_t;  // include/sys/_sigset.h: 64 bits everywhere
using sclock_t = std::int64_t;
#define __VELA_ABI 1
#include "../include/mqueue.h"
#include "../include/sys/signal.h"
#undef __VELA_ABI
#undef sa_handler
#undef sa_sigaction

struct itimerspec {
  timespec it_interval;
  timespec it_value;
};
struct timeval {
  time_t tv_sec;
  long tv_usec;
};
// Pointer-sized members: the sizes differ between 64- and 32-bit targets.
static_assert(sizeof(void*) == 8 ? sizeof(siginfo_t) == 48 && sizeof(struct sigaction) == 24 &&
                                       sizeof(sigevent) == 32
                                 : sizeof(siginfo_t) == 32 && sizeof(struct sigaction) == 24 &&
                                       sizeof(sigevent) == 20);

inline constexpr int kONonblock = 0x4000, kOCreat = 0x40, kOExcl = 0x800, kOAccMode = 3;
inline constexpr int kOWronly = 1, kORdwr = 2;
inline constexpr int kTimerAbstime = 4;
inline constexpr clockid_t kClockRealtime = 1, kClockMonotonic = 4, kClockBoottime = 7;
inline constexpr std::uint64_t kNsPerTick = 10'000'000;  // USEC_PER_TICK 10000
}  // namespace vsig

namespace vela {

// The Vela personality's signal rules (signal.cpp); installed on a task the
// first time it uses signals or is sent one.
const kernel::SignalRules& signal_rules();
// Makes sure the caller's process takes signals (no-op for kernel threads).
void signal_attach_current();
// si_code of the C ABI for the core's reason.
int si_code_of(kernel::SigCode code);

// Nanoseconds on the clock; CLOCK_REALTIME = boot offset + monotonic.
std::uint64_t realtime_offset_ns();
bool valid_timespec(const vsig::timespec* ts);
inline std::uint64_t ts_to_ns(const vsig::timespec& ts) {
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u +
         static_cast<std::uint64_t>(ts.tv_nsec);
}
inline vsig::timespec ns_to_ts(std::uint64_t ns) {
  return {static_cast<vsig::time_t>(ns / 1'000'000'000u), static_cast<long>(ns % 1'000'000'000u)};
}

// Blocks on `wq` until cond() (under wq's lock) or the timeout: TIMEDOUT,
// CANCELED (the caller undoes its state, then cancellation_point()), or
// INTR (a signal: the caller undoes its state, then deliver_and_eintr()).
template <typename Cond>
klib::Result<void> wait_intr(sched::WaitQueue& wq, Cond&& cond, std::uint64_t timeout_ns,
                             kernel::SigSet also = 0) {
  Tcb* self = current_tcb();
  bool cancelled = false;
  if (self) self->blocked_on.store(&wq, std::memory_order_seq_cst);
  auto r = kernel::signal_wait(
      wq,
      [&] {
        if (cond()) return true;
        if (self && cancel_requested(self)) {
          cancelled = true;
          return true;
        }
        return false;
      },
      timeout_ns, also);
  if (self) self->blocked_on.store(nullptr, std::memory_order_relaxed);
  if (cancelled) return klib::Err(Error::CANCELED);
  return r;
}

// Runs the handlers of the signal that interrupted a call; returns -1 with
// errno EINTR (for the calls that return -1).
int deliver_and_eintr();

}  // namespace vela
