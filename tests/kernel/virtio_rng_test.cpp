// KTEST virtio_rng: host entropy through the virtio-mmio transport when the
// board has a virtio-rng device (QEMU: -device virtio-rng-device); each case
// is skipped (not passed) when there is none.
#include <cstdint>

#include <hal/timer.hpp>
#include <kernel/ktest.hpp>
#include <klib/printk.hpp>
#include <klib/result.hpp>
#include <mm/heap.hpp>

// hal/drivers/virtio_rng.cpp; weak, so boards without the driver still link.
namespace hal {
[[gnu::weak]] bool virtio_rng_present();
[[gnu::weak]] klib::Result<void> virtio_rng_read(void* buf, std::size_t n);
[[gnu::weak]] std::uint64_t virtio_rng_interrupts();
}  // namespace hal

namespace {

bool device_present() { return hal::virtio_rng_present && hal::virtio_rng_present(); }

bool all_zero(const std::uint8_t* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (p[i]) return false;
  return true;
}

}  // namespace

KTEST(virtio_rng, two_reads_differ) {
  if (!device_present()) KT_SKIP("no virtio-rng device on this board");
  constexpr std::size_t kBytes = 4096;
  auto* a = static_cast<std::uint8_t*>(mm::kmalloc(2 * kBytes));
  KT_ASSERT(a != nullptr);
  std::uint8_t* b = a + kBytes;
  __builtin_memset(a, 0, 2 * kBytes);
  const std::uint64_t irqs = hal::virtio_rng_interrupts();
  const std::uint64_t start = hal::timer_ticks();
  KT_EXPECT(hal::virtio_rng_read(a, kBytes).ok());
  KT_EXPECT(hal::virtio_rng_read(b, kBytes).ok());
  // Completions arrive by interrupt (a lost one would cost the driver's 2 s
  // timeout per request); the time is printed, not asserted: a loaded host
  // stretches it.
  const std::uint64_t us = (hal::timer_ticks() - start) * 1000000 / hal::timer_frequency_hz();
  const std::uint64_t taken = hal::virtio_rng_interrupts() - irqs;
  klib::printk("[ktest] note: 2 x %zu bytes from virtio-rng in %llu us, %llu interrupts\n", kBytes,
               static_cast<unsigned long long>(us), static_cast<unsigned long long>(taken));
  KT_EXPECT(taken >= 1);
  KT_EXPECT(!all_zero(a, kBytes));
  KT_EXPECT(!all_zero(b, kBytes));
  KT_EXPECT(__builtin_memcmp(a, b, kBytes) != 0);
  mm::kfree(a);
}

// Sizes that are not a multiple of the driver's one-page buffer, and a tiny one.
KTEST(virtio_rng, odd_sizes) {
  if (!device_present()) KT_SKIP("no virtio-rng device on this board");
  constexpr std::size_t kBytes = 4096 + 777;
  auto* p = static_cast<std::uint8_t*>(mm::kzalloc(kBytes + 16));
  KT_ASSERT(p != nullptr);
  KT_EXPECT(hal::virtio_rng_read(p, kBytes).ok());
  KT_EXPECT(!all_zero(p + 4096, 777));  // the tail came from a second request
  for (std::size_t i = kBytes; i < kBytes + 16; ++i) KT_EXPECT_EQ(p[i], 0);  // no overrun
  std::uint8_t one[3] = {};
  KT_EXPECT(hal::virtio_rng_read(one, 3).ok());
  KT_EXPECT(hal::virtio_rng_read(one, 0).ok());
  mm::kfree(p);
}
