// Kernel implementation of fs/platform.hpp: the heap from mm, locks and wait
// points from sched (a sleeping Mutex; a WaitQueue plus a generation count).
#include <fs/platform.hpp>
#include <kernel/signal.hpp>
#include <klib/spinlock.hpp>
#include <mm/heap.hpp>
#include <sched/sched.hpp>
#include <sched/wait.hpp>

#include <atomic>

namespace fs {

void* alloc(std::size_t size) { return mm::kzalloc(size ? size : 1); }
void free(void* p) { mm::kfree(p); }
std::uint64_t now_ns() { return sched::uptime_ns(); }
std::uint64_t wall_clock_ns() { return sched::realtime_ns(); }

static_assert(sizeof(sched::Mutex) <= 64 && alignof(sched::Mutex) <= 16);
Lock::Lock() { new (storage_) sched::Mutex(); }
Lock::~Lock() { reinterpret_cast<sched::Mutex*>(storage_)->~Mutex(); }
void Lock::lock() { reinterpret_cast<sched::Mutex*>(storage_)->lock(); }
void Lock::unlock() { reinterpret_cast<sched::Mutex*>(storage_)->unlock(); }

namespace {
struct KernelWait {
  sched::WaitQueue queue;
  std::atomic<std::uint64_t> gen{0};  // written under queue.lock()
};
static_assert(sizeof(KernelWait) <= 128 && alignof(KernelWait) <= 16);
KernelWait& kw(unsigned char* s) { return *reinterpret_cast<KernelWait*>(s); }
}  // namespace

WaitPoint::WaitPoint() { new (storage_) KernelWait(); }
WaitPoint::~WaitPoint() { kw(storage_).~KernelWait(); }

std::uint64_t WaitPoint::generation() const {
  return kw(const_cast<unsigned char*>(storage_)).gen.load(std::memory_order_acquire);
}

bool WaitPoint::wait(std::uint64_t gen, std::uint64_t timeout_ns) {
  KernelWait& w = kw(storage_);
  // The condition runs under the queue lock, the same lock wake_all bumps
  // the generation under, so a wake cannot slip between test and sleep.
  auto r = w.queue.wait_until([&] { return w.gen.load(std::memory_order_relaxed) != gen; },
                              timeout_ns == kWaitForever ? sched::kForever : timeout_ns);
  return r.ok();
}

WaitPoint::Result WaitPoint::wait_interruptible(std::uint64_t gen, std::uint64_t timeout_ns) {
  KernelWait& w = kw(storage_);
  auto r = kernel::signal_wait(
      w.queue, [&] { return w.gen.load(std::memory_order_relaxed) != gen; },
      timeout_ns == kWaitForever ? sched::kForever : timeout_ns);
  if (r.ok()) return Result::Woken;
  return r.error() == klib::Error::INTR ? Result::Interrupted : Result::TimedOut;
}

void WaitPoint::wake_all() {
  KernelWait& w = kw(storage_);
  klib::SpinGuard g(w.queue.lock());
  w.gen.fetch_add(1, std::memory_order_release);
  w.queue.wake_all_locked();
}

}  // namespace fs
