// Deadline-ordered queue of one-shot timers (hrtimers). Each CPU owns one and
// programs its one-shot hardware timer with next_deadline(): no periodic
// tick. Portable and unlocked: the kernel serialises calls with the CPU lock.
#pragma once

#include <klib/list.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>

namespace sched {

struct Timer;
using TimerCallback = void (*)(Timer* timer, void* arg);

// Embedded in its owner (a thread's sleep timer, a driver's watchdog).
struct Timer {
  enum class State : std::uint8_t { Idle, Queued, Expiring };

  klib::ListNode node;
  std::uint64_t deadline = 0;  // ns on the caller's clock (sched::uptime_ns in the kernel)
  TimerCallback callback = nullptr;
  void* arg = nullptr;
  State state = State::Idle;

  Timer() = default;
  Timer(TimerCallback cb, void* a) : callback(cb), arg(a) {}
  bool pending() const { return state != State::Idle; }
};

class TimerQueue {
 public:
  TimerQueue() = default;
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue(TimerQueue&&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  // Queues `t` to fire at `deadline`; re-adding a pending timer moves it.
  // Equal deadlines fire in the order they were added. Returns true when `t`
  // became the earliest timer (the hardware timer must be reprogrammed).
  bool add(Timer* t, std::uint64_t deadline);
  // Removes a pending timer. False when it was not pending (already fired,
  // or its callback is running).
  bool cancel(Timer* t);

  // Earliest deadline still queued.
  std::optional<std::uint64_t> next_deadline() const;

  // Fires every timer with deadline <= now, earliest first, calling each
  // callback once. The due timers are detached first, so a callback may
  // re-add its own timer (even in the past: it fires on the next expire) or
  // cancel another due one. Returns the number fired.
  std::size_t expire(std::uint64_t now);

  // For callers that must drop a lock around callbacks: unlinks and returns
  // the earliest timer with deadline <= now (state Idle), or nullptr. The
  // caller invokes its callback.
  Timer* pop_expired(std::uint64_t now);

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  // Circular lists with sentinels; klib::List has no ordered insert, and
  // sorted insertion needs to link before an arbitrary node.
  struct Ring {
    klib::ListNode head;
    Ring() { head.prev = head.next = &head; }
    bool empty() const { return head.next == &head; }
    Timer* first() const;
    Timer* last() const;
  };
  static Timer* owner(klib::ListNode* n);
  static void link_before(klib::ListNode* pos, klib::ListNode* n);
  static void unlink(klib::ListNode* n);

  Ring queued_;    // sorted by deadline, FIFO among equals
  Ring expiring_;  // detached by expire(), callbacks not yet called
  std::size_t size_ = 0;
};

}  // namespace sched
