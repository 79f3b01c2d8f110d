// virtio entropy device (device id 4, spec §5.4): one request queue; a read
// posts a device-writable page, sleeps until the used-buffer interrupt and
// copies out what the host wrote. Feeds /dev/urandom (fs/src/kernel/urandom.cpp).
#include <atomic>

#include "virtio_mmio.hpp"

#include <klib/printk.hpp>
#include <mm/heap.hpp>
#include <sched/wait.hpp>

namespace {

constexpr std::size_t kBufBytes = 4096;
// The host answers at once (QEMU reads its /dev/urandom); a device silent
// this long is broken, not slow.
constexpr std::uint64_t kTimeoutNs = 2'000'000'000;
constexpr int kMaxEmptyReplies = 16;

struct Rng {
  virtio::Queue* queue = nullptr;
  hal::PhysAddr buf_pa = 0;
  const std::uint8_t* buf = nullptr;
  sched::WaitQueue waiters;
  sched::Mutex lock;  // one request in flight: the single buffer is shared
  std::atomic<bool> present{false};
  bool broken = false;  // a request timed out; its buffer may still be written
  bool warned = false;
  std::atomic<std::uint64_t> interrupts{0};
};

Rng g_rng;

klib::Result<void> rng_probe(virtio::Device& dev) {
  if (g_rng.present.load()) return klib::Err(klib::Error::BUSY);  // one is enough
  // Requests are serialised, so a couple of descriptors suffice.
  g_rng.queue = TRY(dev.setup_queue(0, 4));
  g_rng.buf_pa = TRY(mm::alloc_pages(0));
  g_rng.buf = static_cast<const std::uint8_t*>(hal::phys_to_virt(g_rng.buf_pa));
  g_rng.present.store(true, std::memory_order_release);
  return klib::ok();
}

void rng_interrupt(virtio::Device&) {
  g_rng.interrupts.fetch_add(1, std::memory_order_relaxed);
  g_rng.waiters.wake_all();
}

virtio::Driver g_driver{"virtio-rng", virtio::kIdEntropy, 0, rng_probe, rng_interrupt};
virtio::DriverRegistration g_registration{g_driver};

}  // namespace

namespace hal {

bool virtio_rng_present() { return g_rng.present.load(std::memory_order_acquire); }

std::uint64_t virtio_rng_interrupts() { return g_rng.interrupts.load(std::memory_order_relaxed); }

klib::Result<void> virtio_rng_read(void* buf, std::size_t n) {
  if (!virtio_rng_present()) return klib::Err(klib::Error::NODEV);
  sched::MutexGuard guard(g_rng.lock);
  if (g_rng.broken) return klib::Err(klib::Error::IO);
  auto* out = static_cast<std::uint8_t*>(buf);
  std::size_t done = 0;
  int empty = 0;
  while (done < n) {
    const std::size_t want = n - done < kBufBytes ? n - done : kBufBytes;
    const virtio::Buffer b{g_rng.buf_pa, static_cast<std::uint32_t>(want), true};
    TRY(g_rng.queue->add({&b, 1}));
    g_rng.queue->kick();
    const auto waited =
        g_rng.waiters.wait_until([] { return g_rng.queue->has_used(); }, kTimeoutNs);
    if (!waited && g_rng.queue->has_used() && !g_rng.warned) {
      g_rng.warned = true;  // works, but each request costs the whole timeout
      klib::printk("virtio-rng: request completed without an interrupt\n");
    }
    std::uint16_t head;
    std::uint32_t got;
    if (!g_rng.queue->pop_used(&head, &got)) {
      g_rng.broken = true;
      return klib::Err(klib::Error::TIMEDOUT);
    }
    if (got > want) got = static_cast<std::uint32_t>(want);
    // The device may return fewer bytes than asked, even none.
    if (got == 0 && ++empty > kMaxEmptyReplies) return klib::Err(klib::Error::IO);
    __builtin_memcpy(out + done, g_rng.buf, got);
    done += got;
  }
  return klib::ok();
}

}  // namespace hal
