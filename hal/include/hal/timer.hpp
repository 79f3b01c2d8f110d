// The per-CPU one-shot timer. The kernel's hrtimer queue programs the nearest
// deadline; there is no periodic tick (tickless idle).
#pragma once

#include <cstdint>

namespace hal {

// Monotonic counter shared by all CPUs (CNTVCT_EL0 / the time CSR).
std::uint64_t timer_ticks();
std::uint64_t timer_frequency_hz();

// Raises the timer interrupt on this CPU once timer_ticks() >= deadline; a
// deadline in the past fires at once. Replaces any earlier deadline.
void timer_set_oneshot(std::uint64_t deadline_ticks);
void timer_cancel();

}  // namespace hal
