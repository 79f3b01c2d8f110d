// The few services fs/ needs from its environment, implemented twice: by the
// kernel glue (fs/src/kernel/platform.cpp over mm and sched) and by the host
// tests (tests/host/fs/host_platform.cpp over malloc and std::mutex).
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>

namespace fs {

// Heap memory; alloc returns zeroed memory or nullptr.
void* alloc(std::size_t size);
void free(void* p);
// Monotonic time, for deadlines (poll).
std::uint64_t now_ns();
// Wall-clock time since the epoch, for vnode timestamps (the kernel's
// CLOCK_REALTIME: from the board's RTC, else counting from boot).
std::uint64_t wall_clock_ns();

template <typename T, typename... Args>
T* make(Args&&... args) {
  void* p = fs::alloc(sizeof(T));
  return p ? new (p) T(std::forward<Args>(args)...) : nullptr;
}
template <typename T>
void destroy(T* p) {
  if (!p) return;
  p->~T();
  fs::free(p);
}

// A sleeping mutex (may be held across blocking calls; never from interrupts).
// The implementation lives in opaque storage so this header does not depend
// on sched/ or on the host's <mutex>.
class Lock {
 public:
  Lock();
  ~Lock();
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;
  void lock();
  void unlock();

 private:
  alignas(16) unsigned char storage_[64];
};

class LockGuard {
 public:
  explicit LockGuard(Lock& l) : l_(l) { l_.lock(); }
  ~LockGuard() { l_.unlock(); }
  LockGuard(const LockGuard&) = delete;
  LockGuard& operator=(const LockGuard&) = delete;

 private:
  Lock& l_;
};

// An event count: the one blocking primitive of fs/. A waiter reads the
// generation while it still holds the lock guarding the state it tests, drops
// that lock and calls wait(gen); a waker changes the state, then calls
// wake_all(), which bumps the generation. A wake between the two steps is
// never lost because wait() returns at once when the generation moved.
class WaitPoint {
 public:
  WaitPoint();
  ~WaitPoint();
  WaitPoint(const WaitPoint&) = delete;
  WaitPoint& operator=(const WaitPoint&) = delete;

  std::uint64_t generation() const;
  // Sleeps while generation() == gen. false on timeout (timeout_ns ==
  // kWaitForever waits without one).
  bool wait(std::uint64_t gen, std::uint64_t timeout_ns);
  // As wait(), but a signal for the calling thread ends it early
  // (Interrupted; kernel: kernel::signal_wait, the host never interrupts).
  enum class Result : std::uint8_t { Woken, TimedOut, Interrupted };
  Result wait_interruptible(std::uint64_t gen, std::uint64_t timeout_ns);
  // Callable from interrupt handlers in the kernel.
  void wake_all();

 private:
  alignas(16) unsigned char storage_[128];
};
inline constexpr std::uint64_t kWaitForever = ~std::uint64_t{0};

}  // namespace fs
