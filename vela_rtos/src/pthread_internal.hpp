// Shared by the Vela task/pthread/synchronisation files: the C ABI types
// (the public headers seen in namespace vabi, because kernel C++ already has
// the host's pthread types through libstdc++), errno conversion, the Vela thread control
// block and the cancellation-aware wait helper.
#pragma once

#include <kernel/process.hpp>
#include <klib/error.hpp>
#include <sched/sched.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace vabi {
// picolibc's types (tests/vela/sched_test.c checks sizes and constants).
using pid_t = int;
using mode_t = std::uint32_t;
using clockid_t = unsigned long;
using time_t = std::int64_t;  // 64-bit on every picolibc target
struct timespec {
  time_t tv_sec;
  long tv_nsec;
};
struct sched_param {
  int sched_priority;
};
#define __VELA_ABI 1
#include "../include/pthread.h"
#include "../include/semaphore.h"
#undef __VELA_ABI

inline constexpr clockid_t kClockRealtime = 1;  // picolibc's CLOCK_REALTIME
inline constexpr clockid_t kClockMonotonic = 4;
inline constexpr int kSchedOther = 0, kSchedFifo = 1, kSchedRr = 2;
inline constexpr int kOCreat = 0x0040, kOExcl = 0x0800;
inline constexpr int kWNoHang = 1;
// The public headers' constants (same values as there).
inline constexpr int kCreateJoinable = 0, kCreateDetached = 1;
inline constexpr int kInheritSched = 0, kExplicitSched = 1;
inline constexpr int kCancelEnable = 0, kCancelDisable = 1;
inline constexpr int kCancelDeferred = 0, kCancelAsync = 1;
inline constexpr int kMutexNormal = 0, kMutexErrorcheck = 1, kMutexRecursive = 2;
inline constexpr int kPrioNone = 0, kPrioInherit = 1, kPrioProtect = 2;
inline constexpr int kMutexStalled = 0, kMutexRobust = 1;
inline constexpr int kKeysMax = 16;
inline constexpr int kDestructorIterations = 4;
inline constexpr int kBarrierSerialThread = 0x1000;
inline constexpr std::uint32_t kMutexStatic = 0x4d585331u;
inline constexpr std::uint32_t kCondStatic = 0x43565331u;
inline constexpr std::uint32_t kRwlockStatic = 0x52575331u;
inline void* const kCanceled = reinterpret_cast<void*>(-1);
}  // namespace vabi

// Defines the C entry point `name` as the C++ function vela_<name>: the host
// headers already declare most POSIX names with other types.
#define VELA_API(ret, name, ...)                                                \
  extern "C" ret vela_##name(__VA_ARGS__) __asm__(#name) __attribute__((used)); \
  extern "C" ret vela_##name(__VA_ARGS__)

// The runtime's errno bridge (vela_rtos/src/errno_map.cpp, runtime/errno.c).
int vela_errno_from(klib::Error e);
extern "C" void vela_set_errno(int value);

namespace vela {

using klib::Error;

inline int err(Error e) { return vela_errno_from(e); }
// For the functions that return -1 and set errno.
inline int fail(Error e) {
  vela_set_errno(vela_errno_from(e));
  return -1;
}

struct CleanupBuffer {  // mirrors struct _pthread_cleanup_buffer
  void (*routine)(void*);
  void* arg;
  CleanupBuffer* prev;
};

// Per-thread Vela state (kernel::ProcessThread::personality).
struct Tcb {
  static constexpr std::uint32_t kMagic = 0x5443424bu;
  std::uint32_t magic = kMagic;
  kernel::ProcessThread* rec = nullptr;  // set by the thread itself at start
  // pthread start routine, or the task entry (is_task).
  void* (*start)(void*) = nullptr;
  void* arg = nullptr;
  void* retval = nullptr;
  bool is_task = false;
  int policy = vabi::kSchedRr;
  int base_priority = sched::kDefaultPriority;
  // Deferred cancellation: acted on at cancellation points.
  std::atomic<bool> cancel_pending{false};
  std::atomic<bool> kill_pending{false};  // task_delete / exit() from another thread
  int cancel_state = vabi::kCancelEnable;
  int cancel_type = vabi::kCancelDeferred;
  bool exiting = false;
  std::atomic<sched::WaitQueue*> blocked_on{nullptr};  // woken on cancel
  CleanupBuffer* cleanup = nullptr;
  void* keys[vabi::kKeysMax] = {};
  vabi::pthread_mutex_t* robust_held = nullptr;  // list through __next_robust
};

// The caller's TCB; nullptr on a kernel thread (the monitor, KTEST).
Tcb* current_tcb();
// True when the caller should act on a cancel/kill request now.
bool cancel_requested(const Tcb* t);
// Acts on a pending request (exits the thread or task); returns if none.
void cancellation_point();
// Asks `t` to cancel (kill: regardless of its cancel state) and wakes it
// from a cancellation-point wait.
void request_cancel(Tcb* t, bool kill);

// Clock conversion: nanoseconds to wait until `abstime` on `clock`; 0 when
// it passed. INVAL for a malformed timespec.
klib::Result<std::uint64_t> timeout_until(vabi::clockid_t clock, const vabi::timespec* abstime);
std::uint64_t clock_now_ns(vabi::clockid_t clock);

// Blocks on `wq` until cond() holds (checked under the queue lock). Returns
// TIMEDOUT, or CANCELED when a cancellation point should act (the caller
// undoes its state, then calls cancellation_point()).
template <typename Cond>
klib::Result<void> wait(sched::WaitQueue& wq, Cond&& cond, std::uint64_t timeout_ns,
                        bool cancellable = true) {
  Tcb* self = cancellable ? current_tcb() : nullptr;
  bool cancelled = false;
  if (self) self->blocked_on.store(&wq, std::memory_order_seq_cst);
  auto r = wq.wait_until(
      [&] {
        if (cond()) return true;
        if (self && cancel_requested(self)) {
          cancelled = true;
          return true;
        }
        return false;
      },
      timeout_ns);
  if (self) self->blocked_on.store(nullptr, std::memory_order_relaxed);
  if (cancelled) return klib::Err(Error::CANCELED);
  return r;
}

// Thread exit paths (pthread_core.cpp).
[[noreturn]] void exit_thread(void* retval);
[[noreturn]] void exit_task(int status);
// Robust mutexes held by an exiting thread become EOWNERDEAD (mutex.cpp).
void release_robust_mutexes(Tcb* t);
// The runtime's entry into application code (vela_rtos/src/runtime/
// runtime.hpp): TLS and FP state for the calling thread, then fn(arg).
namespace runtime {
void* run_app(void* (*fn)(void*), void* arg);
}
// Runs the thread's pthread key destructors (pthread.cpp).
void run_key_destructors(Tcb* t);
// Allocates a TCB (pthread.cpp); freed with its kernel record.
Tcb* alloc_tcb();
void release_tcb(kernel::ProcessThread* rec);
// POSIX policy/priority to the scheduler's.
bool valid_policy(int policy);
bool valid_priority(int policy, int priority);
sched::Policy to_sched_policy(int policy);

}  // namespace vela
