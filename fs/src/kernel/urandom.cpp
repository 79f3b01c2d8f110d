// /dev/urandom and /dev/random: xoshiro256** seeded by splitmix64 from the
// timer, with the timer counter mixed in on every read. When the board has a
// virtio-rng device the state is also reseeded with host entropy every
// kReseedBytes of output; without one it is not cryptographic.
#include <fs/nuttx_driver.h>
#include <hal/timer.hpp>
#include <klib/error.hpp>
#include <klib/printk.hpp>
#include <klib/result.hpp>
#include <klib/spinlock.hpp>

// hal/drivers/virtio_rng.cpp; weak, so boards without the driver still link.
namespace hal {
[[gnu::weak]] bool virtio_rng_present();
[[gnu::weak]] klib::Result<void> virtio_rng_read(void* buf, std::size_t n);
}  // namespace hal

namespace fs {
namespace {

constexpr size_t kReseedBytes = 4096;

klib::SpinLockIrq g_lock;
std::uint64_t g_s[4];
bool g_seeded = false;
size_t g_since_reseed = kReseedBytes;  // reseed before the first read

std::uint64_t splitmix(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

std::uint64_t next() {
  const std::uint64_t result = rotl(g_s[1] * 5, 7) * 9;
  const std::uint64_t t = g_s[1] << 17;
  g_s[2] ^= g_s[0];
  g_s[3] ^= g_s[1];
  g_s[1] ^= g_s[2];
  g_s[0] ^= g_s[3];
  g_s[2] ^= t;
  g_s[3] = rotl(g_s[3], 45);
  return result;
}

void seed_locked(std::uint64_t& mix) {
  if (g_seeded) return;
  for (auto& s : g_s) s = splitmix(mix);
  g_seeded = true;
}

bool have_entropy_device() { return hal::virtio_rng_present && hal::virtio_rng_present(); }

// Mixes 32 bytes of host entropy into the state when kReseedBytes have been
// produced since the last time. Fetched outside g_lock: the read sleeps.
klib::Result<void> maybe_reseed() {
  if (!have_entropy_device()) return klib::Err(klib::Error::NODEV);
  {
    klib::SpinGuard g(g_lock);
    if (g_since_reseed < kReseedBytes) return klib::ok();
  }
  std::uint64_t fresh[4];
  TRY(hal::virtio_rng_read(fresh, sizeof fresh));
  klib::SpinGuard g(g_lock);
  std::uint64_t mix = hal::timer_ticks();
  seed_locked(mix);
  for (int i = 0; i < 4; ++i) g_s[i] ^= fresh[i];
  g_since_reseed = 0;
  return klib::ok();
}

ssize_t urandom_read(struct file*, char* buf, size_t n) {
  (void)maybe_reseed();  // on failure the PRNG alone serves
  klib::SpinGuard g(g_lock);
  std::uint64_t mix = hal::timer_ticks();
  seed_locked(mix);
  g_s[0] ^= splitmix(mix);  // timing of reads perturbs the stream
  g_since_reseed += n;
  for (size_t i = 0; i < n; i += 8) {
    const std::uint64_t r = next();
    const size_t take = n - i < 8 ? n - i : 8;
    __builtin_memcpy(buf + i, &r, take);
  }
  return static_cast<ssize_t>(n);
}

ssize_t urandom_write(struct file*, const char*, size_t n) { return static_cast<ssize_t>(n); }

const struct file_operations kUrandomOps = {nullptr, nullptr, urandom_read, urandom_write, nullptr,
                                            nullptr, nullptr, nullptr,      nullptr};

}  // namespace

int register_random_devices() {
  if (!have_entropy_device())
    klib::printk("urandom: no virtio-rng; xoshiro256** seeded from the timer\n");
  else if (auto r = maybe_reseed(); r)
    klib::printk("urandom: xoshiro256** reseeded from virtio-rng every %zu bytes\n", kReseedBytes);
  else
    klib::printk("urandom: virtio-rng read failed (%s); xoshiro256** seeded from the timer\n",
                 klib::error_name(r.error()));
  const int a = register_driver("/dev/urandom", &kUrandomOps, 0666, nullptr);
  const int b = register_driver("/dev/random", &kUrandomOps, 0666, nullptr);
  return a < 0 ? a : b;
}

}  // namespace fs
