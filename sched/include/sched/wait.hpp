// Blocking primitives built on the scheduler: WaitQueue (wait with optional
// timeout, wake_one, wake_all; waiters in priority order), a sleeping Mutex
// with transitive priority inheritance and a counting Semaphore. All are
// constexpr constructible, so globals need no constructor to run. Kernel
// build only (the implementation lives in sched/src/kernel).
#pragma once

#include <klib/result.hpp>
#include <klib/spinlock.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>

namespace sched {

struct Thread;
class Mutex;
namespace detail {
void wait_timeout_fired(Thread* t);
struct WaitAccess;
}  // namespace detail

inline constexpr std::uint64_t kForever = std::numeric_limits<std::uint64_t>::max();

class WaitQueue {
 public:
  constexpr WaitQueue() = default;
  WaitQueue(const WaitQueue&) = delete;
  WaitQueue& operator=(const WaitQueue&) = delete;

  // Blocks until `cond()` is true. cond runs with this queue's lock held, so
  // a waker that changes the state and then calls wake_* cannot be missed;
  // it may also claim the state it tests (take a token, grab ownership).
  // TIMEDOUT when timeout_ns passes first (cond is checked once more).
  template <typename Cond>
  klib::Result<void> wait_until(Cond&& cond, std::uint64_t timeout_ns = kForever) {
    auto thunk = [](void* c) { return (*static_cast<std::remove_reference_t<Cond>*>(c))(); };
    return wait_impl(thunk, &cond, timeout_ns);
  }
  // Blocks until the next wake_* reaches this thread, or TIMEDOUT.
  klib::Result<void> wait(std::uint64_t timeout_ns = kForever) {
    return wait_impl(nullptr, nullptr, timeout_ns);
  }

  // Waiters are woken highest effective priority first (RT above fair), FIFO
  // among equals (POSIX). Return whether / how many threads were woken.
  // Callable from interrupts.
  bool wake_one();
  std::size_t wake_all();

  // For primitives that change their state and wake under one lock hold.
  klib::SpinLockIrq& lock() { return lock_; }
  Thread* wake_one_locked();  // the thread woken, or nullptr
  std::size_t wake_all_locked();
  bool empty() const { return head_ == nullptr; }

 private:
  friend void detail::wait_timeout_fired(Thread* t);
  friend struct detail::WaitAccess;
  friend class Mutex;
  klib::Result<void> wait_impl(bool (*cond)(void*), void* ctx, std::uint64_t timeout_ns);
  void insert_locked(Thread* t);  // by rank, after equals
  void remove_locked(Thread* t);

  klib::SpinLockIrq lock_;
  Thread* head_ = nullptr;  // rank order through Thread::wait_next/wait_prev
  Thread* tail_ = nullptr;
};

// Whether a mutex lends its waiters' priority to its owner. NuttX chooses
// per mutex (PTHREAD_PRIO_INHERIT / PTHREAD_PRIO_NONE); kernel mutexes
// inherit by default.
enum class MutexProtocol : std::uint8_t { None, Inherit };

// Sleeping mutex: contended lockers block in priority order; unlock hands
// ownership to the highest-priority waiter (no barging). With Inherit, a
// blocked waiter raises the owner's effective priority to its own,
// transitively along the chain of owners blocked on other inheriting
// mutexes (at most kPiMaxDepth hops); unlock drops the owner back to the
// highest of its base priority and the top waiters of the inheriting
// mutexes it still holds. Not recursive; unlock by the owner only.
// All slow paths serialise on one global PI lock (simple; fine for a
// handful of CPUs).
class Mutex {
 public:
  constexpr Mutex() = default;
  constexpr explicit Mutex(MutexProtocol p) : protocol_(p) {}
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  // Blocks until owned. Deadlock (the owner chain leads back to the caller,
  // or is longer than kPiMaxDepth) is a kernel bug here: it panics.
  void lock();
  // DEADLK for a cycle (including relocking one's own mutex) or an
  // over-long chain, TIMEDOUT when timeout_ns passes first.
  klib::Result<void> timed_lock(std::uint64_t timeout_ns = kForever);
  bool try_lock();
  void unlock();
  Thread* owner() const { return owner_.load(std::memory_order_relaxed); }
  MutexProtocol protocol() const { return protocol_; }

 private:
  friend struct detail::WaitAccess;
  WaitQueue waiters_;
  std::atomic<Thread*> owner_{nullptr};  // written under the PI lock
  Mutex* held_next_ = nullptr;           // owner's held list (PI lock)
  Mutex* held_prev_ = nullptr;
  MutexProtocol protocol_ = MutexProtocol::Inherit;
};

class MutexGuard {
 public:
  explicit MutexGuard(Mutex& m) : m_(m) { m_.lock(); }
  ~MutexGuard() { m_.unlock(); }
  MutexGuard(const MutexGuard&) = delete;
  MutexGuard& operator=(const MutexGuard&) = delete;

 private:
  Mutex& m_;
};

class Semaphore {
 public:
  constexpr explicit Semaphore(unsigned initial = 0) : count_(initial) {}
  Semaphore(const Semaphore&) = delete;
  Semaphore& operator=(const Semaphore&) = delete;

  // TIMEDOUT if no unit became available in time.
  klib::Result<void> down(std::uint64_t timeout_ns = kForever);
  bool try_down();
  void up();  // callable from interrupts
  unsigned value() const { return count_; }

 private:
  WaitQueue waiters_;
  unsigned count_;  // guarded by waiters_.lock()
};

}  // namespace sched
