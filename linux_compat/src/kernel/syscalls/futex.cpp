// futex(2): WAIT, WAKE, REQUEUE, CMP_REQUEUE, WAIT_BITSET, WAKE_BITSET,
// private or not, with timeouts. A futex is keyed by (address space, user
// address): Fusion has no memory shared between different spaces, so that
// key also serves non-private futexes (vfork children share the space
// object itself). Waiters queue in a hash bucket; each sleeps on a
// sched::WaitQueue of its own (signal_wait: a signal interrupts it), so a
// requeue only moves the waiter between buckets. PI operations and WAKE_OP
// are ENOSYS.
#include <hal/user.hpp>
#include <kernel/process.hpp>
#include <kernel/signal.hpp>
#include <klib/spinlock.hpp>
#include <mm/usercopy.hpp>
#include <sched/sched.hpp>

#include <atomic>

#include "../linux_process.hpp"
#include "syscalls.hpp"

namespace linux_compat {
namespace {

using klib::Error;

constexpr unsigned kFutexWait = 0, kFutexWake = 1, kFutexRequeue = 3, kFutexCmpRequeue = 4,
                   kFutexWaitBitset = 9, kFutexWakeBitset = 10;
constexpr unsigned kFutexPrivate = 128, kFutexClockRealtime = 256;
constexpr std::uint32_t kBitsetAny = 0xffffffff;
constexpr std::int64_t kNsPerSec = 1'000'000'000;
constexpr unsigned kBuckets = 64;

struct Waiter {
  const void* space = nullptr;
  std::uintptr_t uaddr = 0;
  std::uint32_t bitset = kBitsetAny;
  std::atomic<bool> woken{false};
  std::atomic<unsigned> bucket{0};  // changes under both buckets' locks (requeue)
  sched::WaitQueue wq;
  Waiter* prev = nullptr;
  Waiter* next = nullptr;
};

struct Bucket {
  klib::SpinLockIrq lock;
  Waiter* head = nullptr;
};

Bucket g_buckets[kBuckets];

unsigned bucket_index(const void* space, std::uintptr_t uaddr) {
  std::uint64_t h = (uaddr >> 2) ^ (reinterpret_cast<std::uintptr_t>(space) >> 6);
  h *= 0x9e3779b97f4a7c15ull;
  return static_cast<unsigned>(h >> 58);  // top 6 bits: 64 buckets
}

void link(Bucket& b, Waiter* w) {
  w->prev = nullptr;
  w->next = b.head;
  if (b.head) b.head->prev = w;
  b.head = w;
}

void unlink(Bucket& b, Waiter* w) {
  if (w->prev) {
    w->prev->next = w->next;
  } else {
    b.head = w->next;
  }
  if (w->next) w->next->prev = w->prev;
  w->prev = w->next = nullptr;
}

// Wakes up to n waiters on (space, uaddr) whose bitset meets `bitset`
// (bucket lock held). The waiter's own cleanup takes this lock, so it
// cannot return and free `w` before wake_all is done with it.
int wake_locked(Bucket& b, const void* space, std::uintptr_t uaddr, std::uint32_t bitset, int n) {
  int woken = 0;
  for (Waiter* w = b.head; w && woken < n;) {
    Waiter* next = w->next;
    if (w->space == space && w->uaddr == uaddr && (w->bitset & bitset)) {
      unlink(b, w);
      w->woken.store(true, std::memory_order_release);
      w->wq.wake_all();
      ++woken;
    }
    w = next;
  }
  return woken;
}

const void* current_space() { return kernel::current_process()->address_space; }

// Private futexes only need a user address (Linux: access_ok); shared ones
// must be mapped.
klib::Result<void> check_address(std::uintptr_t uaddr, bool shared) {
  if (uaddr & 3) return klib::Err(Error::INVAL);
  if (uaddr >= hal::kUserTop || hal::kUserTop - uaddr < 4) return klib::Err(Error::FAULT);
  if (shared) {
    std::uint32_t v;
    TRY(mm::get_user(&v, uaddr));
  }
  return klib::ok();
}

// The wait's relative timeout in ns (kForever without one). `absolute`:
// the timespec is a deadline on CLOCK_MONOTONIC, or on CLOCK_REALTIME (the
// scheduler's wall clock) with `realtime` (FUTEX_CLOCK_REALTIME).
klib::Result<std::uint64_t> read_timeout(std::uintptr_t uts, bool absolute, bool realtime) {
  if (!uts) return sched::kForever;
  std::int64_t ts[2];
  TRY(mm::copy_from_user(ts, uts, sizeof ts));
  if (ts[0] < 0 || ts[1] < 0 || ts[1] >= kNsPerSec) return klib::Err(Error::INVAL);
  const std::uint64_t ns = static_cast<std::uint64_t>(ts[0]) * kNsPerSec + ts[1];
  if (!absolute) return ns ? ns : 1;
  const std::uint64_t now = realtime ? sched::realtime_ns() : sched::uptime_ns();
  return ns > now ? ns - now : 1;
}

long futex_wait(std::uintptr_t uaddr, std::uint32_t val, std::uint32_t bitset,
                std::uint64_t timeout_ns) {
  if (bitset == 0) return err(Error::INVAL);
  Waiter w;
  w.space = current_space();
  w.uaddr = uaddr;
  w.bitset = bitset;
  const unsigned idx = bucket_index(w.space, uaddr);
  w.bucket.store(idx, std::memory_order_relaxed);
  {
    Bucket& b = g_buckets[idx];
    klib::SpinGuard guard(b.lock);
    // Read under the bucket lock: a waker that changes the value and then
    // wakes cannot slip in between this check and the queueing.
    std::uint32_t cur = 0;
    if (!mm::get_user(&cur, uaddr).ok()) return err(Error::FAULT);
    if (cur != val) return err(Error::AGAIN);
    link(b, &w);
  }
  auto r = kernel::signal_wait(
      w.wq, [&] { return w.woken.load(std::memory_order_acquire); }, timeout_ns);
  // Leave the bucket we are in now (a requeue may have moved us).
  for (;;) {
    const unsigned at = w.bucket.load(std::memory_order_acquire);
    Bucket& b = g_buckets[at];
    klib::SpinGuard guard(b.lock);
    if (w.bucket.load(std::memory_order_relaxed) != at) continue;
    if (!w.woken.load(std::memory_order_relaxed)) unlink(b, &w);
    break;
  }
  if (w.woken.load(std::memory_order_acquire)) return 0;
  if (!r.ok() && r.error() == Error::INTR) {
    kernel::signal_deliver();
    return err(Error::INTR);
  }
  return err(Error::TIMEDOUT);
}

long futex_wake(std::uintptr_t uaddr, int n, std::uint32_t bitset) {
  if (bitset == 0) return err(Error::INVAL);
  if (n <= 0) return 0;
  const void* space = current_space();
  Bucket& b = g_buckets[bucket_index(space, uaddr)];
  klib::SpinGuard guard(b.lock);
  return wake_locked(b, space, uaddr, bitset, n);
}

long futex_requeue(std::uintptr_t uaddr, int nr_wake, int nr_requeue, std::uintptr_t uaddr2,
                   bool compare, std::uint32_t val3) {
  if (nr_wake < 0 || nr_requeue < 0) return err(Error::INVAL);
  const void* space = current_space();
  const unsigned i1 = bucket_index(space, uaddr), i2 = bucket_index(space, uaddr2);
  // Both buckets, lower index first (one lock when they coincide).
  Bucket& lo = g_buckets[i1 < i2 ? i1 : i2];
  Bucket& hi = g_buckets[i1 < i2 ? i2 : i1];
  klib::SpinGuard g1(lo.lock);
  struct SecondLock {
    klib::SpinLockIrq* l;
    hal::IrqFlags flags;
    explicit SecondLock(klib::SpinLockIrq* x) : l(x), flags(x ? x->lock() : 0) {}
    ~SecondLock() {
      if (l) l->unlock(flags);
    }
  } g2(&hi != &lo ? &hi.lock : nullptr);
  if (compare) {
    std::uint32_t cur = 0;
    if (!mm::get_user(&cur, uaddr).ok()) return err(Error::FAULT);
    if (cur != val3) return err(Error::AGAIN);
  }
  Bucket& from = g_buckets[i1];
  Bucket& to = g_buckets[i2];
  long count = wake_locked(from, space, uaddr, kBitsetAny, nr_wake);
  int moved = 0;
  for (Waiter* w = from.head; w && moved < nr_requeue;) {
    Waiter* next = w->next;
    if (w->space == space && w->uaddr == uaddr) {
      unlink(from, w);
      w->uaddr = uaddr2;
      w->bucket.store(i2, std::memory_order_release);
      link(to, w);
      ++moved;
    }
    w = next;
  }
  return count + moved;
}

}  // namespace

int futex_wake_address(std::uintptr_t uaddr, int n) {
  return static_cast<int>(futex_wake(uaddr, n, kBitsetAny));
}

long sys_futex(const Args& a) {
  const std::uintptr_t uaddr = a.a[0];
  const unsigned op = static_cast<unsigned>(a.a[1]);
  const std::uint32_t val = static_cast<std::uint32_t>(a.a[2]);
  const std::uintptr_t utime = a.a[3];  // timeout, or val2 for the requeues
  const std::uintptr_t uaddr2 = a.a[4];
  const std::uint32_t val3 = static_cast<std::uint32_t>(a.a[5]);
  const unsigned cmd = op & ~(kFutexPrivate | kFutexClockRealtime);
  const bool shared = !(op & kFutexPrivate);
  if ((op & kFutexClockRealtime) && cmd != kFutexWaitBitset) return err(Error::NOSYS);
  switch (cmd) {
    case kFutexWait:
    case kFutexWaitBitset: {
      if (auto r = check_address(uaddr, false); !r.ok()) return fail(r);
      const std::uint32_t bitset = cmd == kFutexWait ? kBitsetAny : val3;
      if (bitset == 0) return err(Error::INVAL);
      auto timeout = read_timeout(utime, cmd == kFutexWaitBitset, (op & kFutexClockRealtime) != 0);
      if (!timeout.ok()) return fail(timeout);
      return futex_wait(uaddr, val, bitset, *timeout);
    }
    case kFutexWake:
    case kFutexWakeBitset: {
      if (auto r = check_address(uaddr, shared); !r.ok()) return fail(r);
      return futex_wake(uaddr, static_cast<int>(val), cmd == kFutexWake ? kBitsetAny : val3);
    }
    case kFutexRequeue:
    case kFutexCmpRequeue: {
      if (auto r = check_address(uaddr, shared); !r.ok()) return fail(r);
      if (auto r = check_address(uaddr2, shared); !r.ok()) return fail(r);
      return futex_requeue(uaddr, static_cast<int>(val), static_cast<int>(utime), uaddr2,
                           cmd == kFutexCmpRequeue, val3);
    }
    default:  // FD (removed), WAKE_OP, the PI family
      return err(Error::NOSYS);
  }
}

}  // namespace linux_compat
