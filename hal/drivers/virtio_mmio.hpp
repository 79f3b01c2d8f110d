// virtio over MMIO (virtio 1.x spec §4.2): the transport that probes
// "virtio,mmio" nodes (legacy version 1 and modern version 2), negotiates
// features, allocates split virtqueues and dispatches interrupts, plus the
// registry that lets device drivers (rng, later blk/console) bind by device id.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include <hal/mmu.hpp>
#include <klib/result.hpp>
#include <klib/spinlock.hpp>

namespace virtio {

// Device ids (spec §5).
inline constexpr std::uint32_t kIdNet = 1;
inline constexpr std::uint32_t kIdBlock = 2;
inline constexpr std::uint32_t kIdConsole = 3;
inline constexpr std::uint32_t kIdEntropy = 4;

inline constexpr std::uint64_t kFeatureVersion1 = 1ull << 32;  // VIRTIO_F_VERSION_1

// One buffer of a descriptor chain: physical (= DMA) address and length.
struct Buffer {
  hal::PhysAddr addr;
  std::uint32_t len;
  bool device_writes;  // VIRTQ_DESC_F_WRITE: the device fills it
};

// A split virtqueue (spec §2.7): descriptor table, available ring and used
// ring in one physically contiguous block laid out as legacy devices require
// (used ring on a 4 KiB boundary), which modern devices accept as well.
class Queue {
 public:
  // Posts one chain and returns its head descriptor; AGAIN when too few
  // descriptors are free. Does not notify: call kick() after posting.
  klib::Result<std::uint16_t> add(std::span<const Buffer> chain);
  void kick();  // tells the device the available ring moved
  // Whether the device has returned a chain we have not popped yet.
  bool has_used() const;
  // Takes one returned chain (its head and the bytes the device wrote) and
  // frees its descriptors; false when none is pending.
  bool pop_used(std::uint16_t* head, std::uint32_t* written);
  unsigned size() const { return size_; }

 private:
  friend struct Device;
  struct Desc;
  Desc* desc_ = nullptr;
  volatile std::uint16_t* avail_ = nullptr;  // flags, idx, ring[size]
  volatile std::uint16_t* used_ = nullptr;   // flags, idx, {u32 id, u32 len}[size]
  std::uintptr_t notify_reg_ = 0;
  hal::PhysAddr pa_ = 0;
  unsigned order_ = 0;
  unsigned index_ = 0;
  unsigned size_ = 0;
  unsigned free_count_ = 0;
  std::uint16_t free_head_ = 0;
  std::uint16_t avail_idx_ = 0;  // our shadow of avail->idx
  std::uint16_t last_used_ = 0;  // used->idx we have consumed up to
  klib::SpinLockIrq lock_;
};

struct Driver;

// One bound virtio-mmio device. Drivers get it in probe() and keep it.
struct Device {
  std::uintptr_t regs = 0;
  std::uint32_t version = 0;  // 1 legacy, 2 modern
  std::uint32_t device_id = 0;
  std::uint64_t features = 0;  // negotiated
  unsigned irq = 0;
  const char* node_name = nullptr;
  const Driver* driver = nullptr;
  void* priv = nullptr;  // the driver's per-device state

  // Allocates and registers queue `index` with at most `max_size` entries
  // (rounded down to a power of two and to the device's maximum).
  klib::Result<Queue*> setup_queue(unsigned index, unsigned max_size);
  std::uint8_t config_read8(unsigned offset) const;
  std::uint32_t config_read32(unsigned offset) const;

  static constexpr unsigned kMaxQueues = 2;
  Queue queues[kMaxQueues];
};

// A device driver: matched by device id after the transport has negotiated
// features (device-specific bits offered & `features`; VERSION_1 is the
// transport's business). probe() sets up queues; DRIVER_OK follows it.
// interrupt() runs in IRQ context on a used-buffer notification.
struct Driver {
  const char* name;
  std::uint32_t device_id;
  std::uint64_t features;
  klib::Result<void> (*probe)(Device& dev);
  void (*interrupt)(Device& dev);
  Driver* next = nullptr;  // registry link
};

// Adds a driver to the registry. Drivers call it from a global constructor
// (DriverRegistration): hal runs .init_array before kernel_main, so every
// driver is registered before the Device stage probes the transports.
void register_driver(Driver& d);

struct DriverRegistration {
  explicit DriverRegistration(Driver& d) { register_driver(d); }
};

}  // namespace virtio

// virtio-rng (hal/drivers/virtio_rng.cpp).
namespace hal {

// Whether a virtio entropy device is bound.
bool virtio_rng_present();
// Fills buf with n bytes from the host's entropy source, blocking until they
// arrive. NODEV without a device, TIMEDOUT when the device stops answering.
// Thread context only.
klib::Result<void> virtio_rng_read(void* buf, std::size_t n);
// Used-buffer interrupts taken so far (diagnostics and tests).
std::uint64_t virtio_rng_interrupts();

}  // namespace hal
