// Shared by the watchdog, work-queue and POSIX timer files: the C ABI of
// <nuttx/wdog.h> and <nuttx/wqueue.h> seen from kernel C++, and watchdogs
// armed in nanoseconds.
#pragma once

#include <sched/timer_queue.hpp>

#include <cstdint>

namespace vwd {
using sclock_t = std::int64_t;
using wdparm_t = std::uintptr_t;
#define __VELA_ABI 1
#include "../include/nuttx/wdog.h"
#include "../include/nuttx/wqueue.h"
#undef __VELA_ABI
static_assert(sizeof(sched::Timer) <= sizeof(wdog_s::__k));
}  // namespace vwd

namespace vela {
// wd_start with a delay in nanoseconds (POSIX timers need better than ticks).
int wd_start_ns(vwd::wdog_s* w, std::uint64_t delay_ns, vwd::wdentry_t fn, vwd::wdparm_t arg);
// Disarms `w` (a handler already running may still finish).
void wd_disarm(vwd::wdog_s* w);
// Disarms `w` and waits for a handler running on another CPU; true if it was armed.
bool wd_cancel_sync(vwd::wdog_s* w);
}  // namespace vela
