// Arbitrary callback hrtimers for other modules (watchdogs, POSIX timers):
// a sched::Timer armed on the calling CPU's timer queue. Callbacks run in
// that CPU's timer interrupt, without scheduler locks, interrupts masked.
#pragma once

#include <sched/timer_queue.hpp>

#include <cstdint>

namespace sched {

// Arms `t` (callback and arg set by the caller; not pending anywhere) to
// fire at `deadline_ns` on the uptime_ns() clock, on the calling CPU.
// Returns that CPU, which timer_cancel needs.
unsigned timer_arm(Timer* t, std::uint64_t deadline_ns);
// Removes `t` from `cpu`'s queue. False when it was not pending there
// (already fired, its callback running, or never armed).
bool timer_cancel(unsigned cpu, Timer* t);

}  // namespace sched
