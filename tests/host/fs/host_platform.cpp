// Host implementation of fs/platform.hpp (malloc, std::mutex, condition
// variables) and of the few hal calls klib's spinlocks need.
#include <fs/platform.hpp>
#include <hal/cpu.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace hal {
IrqFlags irq_save() { return 0; }
void irq_restore(IrqFlags) {}
void cpu_relax() { std::this_thread::yield(); }
}  // namespace hal

namespace fs {

void* alloc(std::size_t size) { return std::calloc(1, size ? size : 1); }
void free(void* p) { std::free(p); }
std::uint64_t now_ns() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}
std::uint64_t wall_clock_ns() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

static_assert(sizeof(std::mutex) <= 64);
Lock::Lock() { new (storage_) std::mutex(); }
Lock::~Lock() { reinterpret_cast<std::mutex*>(storage_)->~mutex(); }
void Lock::lock() { reinterpret_cast<std::mutex*>(storage_)->lock(); }
void Lock::unlock() { reinterpret_cast<std::mutex*>(storage_)->unlock(); }

namespace {
struct HostWait {
  std::mutex m;
  std::condition_variable cv;
  std::uint64_t gen = 0;
};
static_assert(sizeof(HostWait) <= 128);
HostWait& hw(unsigned char* s) { return *reinterpret_cast<HostWait*>(s); }
}  // namespace

WaitPoint::WaitPoint() { new (storage_) HostWait(); }
WaitPoint::~WaitPoint() { hw(storage_).~HostWait(); }

std::uint64_t WaitPoint::generation() const {
  auto& w = hw(const_cast<unsigned char*>(storage_));
  std::lock_guard<std::mutex> g(w.m);
  return w.gen;
}

bool WaitPoint::wait(std::uint64_t gen, std::uint64_t timeout_ns) {
  auto& w = hw(storage_);
  std::unique_lock<std::mutex> g(w.m);
  if (timeout_ns == kWaitForever) {
    w.cv.wait(g, [&] { return w.gen != gen; });
    return true;
  }
  return w.cv.wait_for(g, std::chrono::nanoseconds(timeout_ns), [&] { return w.gen != gen; });
}

WaitPoint::Result WaitPoint::wait_interruptible(std::uint64_t gen, std::uint64_t timeout_ns) {
  return wait(gen, timeout_ns) ? Result::Woken : Result::TimedOut;
}

void WaitPoint::wake_all() {
  auto& w = hw(storage_);
  {
    std::lock_guard<std::mutex> g(w.m);
    ++w.gen;
  }
  w.cv.notify_all();
}

}  // namespace fs
