// virtio-mmio transport ("virtio,mmio"): device discovery and initialisation
// (spec §3.1, §4.2.3) for legacy (version 1) and modern (version 2) register
// layouts, split virtqueues, interrupt dispatch and the driver registry.
// QEMU virt has 32 slots (riscv64: 8); empty ones (device id 0) are skipped.
#include "virtio_mmio.hpp"

#include <bit>

#include <hal/irq.hpp>
#include <kernel/driver.hpp>
#include <klib/printk.hpp>
#include <mm/heap.hpp>

namespace virtio {
namespace {

// Register offsets (spec §4.2.2; legacy §4.2.4).
enum Reg : std::uintptr_t {
  kMagic = 0x000,
  kVersion = 0x004,
  kDeviceId = 0x008,
  kDeviceFeatures = 0x010,
  kDeviceFeaturesSel = 0x014,
  kDriverFeatures = 0x020,
  kDriverFeaturesSel = 0x024,
  kGuestPageSize = 0x028,  // legacy
  kQueueSel = 0x030,
  kQueueNumMax = 0x034,
  kQueueNum = 0x038,
  kQueueAlign = 0x03c,  // legacy
  kQueuePfn = 0x040,    // legacy
  kQueueReady = 0x044,  // modern
  kQueueNotify = 0x050,
  kInterruptStatus = 0x060,
  kInterruptAck = 0x064,
  kStatus = 0x070,
  kQueueDescLow = 0x080,  // modern from here
  kQueueDescHigh = 0x084,
  kQueueDriverLow = 0x090,
  kQueueDriverHigh = 0x094,
  kQueueDeviceLow = 0x0a0,
  kQueueDeviceHigh = 0x0a4,
  kConfig = 0x100,
};

constexpr std::uint32_t kMagicValue = 0x74726976;  // "virt"
constexpr std::uint32_t kStatusAck = 1, kStatusDriver = 2, kStatusDriverOk = 4,
                        kStatusFeaturesOk = 8, kStatusFailed = 128;
constexpr std::uint32_t kIntUsedBuffer = 1;
constexpr std::uint16_t kDescNext = 1, kDescWrite = 2;
constexpr std::size_t kPage = 4096;
// Bits 0-23 are device-specific; of the transport's own we offer VERSION_1 only.
constexpr std::uint64_t kDeviceSpecificMask = (1ull << 24) - 1;

constexpr unsigned kMaxDevices = 8;
Device g_devices[kMaxDevices];
unsigned g_device_count;
Driver* g_drivers;
// Slots share pages (QEMU aarch64: eight 0x200-byte slots a page), so the
// last page mapped is reused rather than mapping the same page 32 times.
hal::PhysAddr g_mapped_pa = ~0ull;
std::uintptr_t g_mapped_va;

// Orders ring memory against the device's view and MMIO (DMA is coherent on
// the supported boards; only ordering is needed).
inline void barrier() {
#if defined(__aarch64__)
  asm volatile("dsb sy" ::: "memory");
#elif defined(__riscv)
  asm volatile("fence iorw, iorw" ::: "memory");
#else
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

std::uint32_t rd(std::uintptr_t regs, Reg r) {
  return *reinterpret_cast<volatile std::uint32_t*>(regs + r);
}
void wr(std::uintptr_t regs, Reg r, std::uint32_t v) {
  *reinterpret_cast<volatile std::uint32_t*>(regs + r) = v;
}
void add_status(const Device& d, std::uint32_t bits) {
  wr(d.regs, kStatus, rd(d.regs, kStatus) | bits);
}

const char* id_name(std::uint32_t id) {
  switch (id) {
    case kIdNet:
      return "net";
    case kIdBlock:
      return "block";
    case kIdConsole:
      return "console";
    case kIdEntropy:
      return "entropy";
    default:
      return "other";
  }
}

klib::Result<std::uintptr_t> map_slot(hal::PhysAddr pa, std::size_t size) {
  const hal::PhysAddr page = pa & ~(kPage - 1);
  if (page != g_mapped_pa || (pa & (kPage - 1)) + size > kPage) {
    void* va = TRY(hal::map_mmio(page, (pa & (kPage - 1)) + size));
    g_mapped_pa = page;
    g_mapped_va = reinterpret_cast<std::uintptr_t>(va);
  }
  return g_mapped_va + (pa - page);
}

const Driver* find_driver(std::uint32_t id) {
  for (const Driver* d = g_drivers; d; d = d->next)
    if (d->device_id == id) return d;
  return nullptr;
}

void on_irq(void* arg) {
  Device& d = *static_cast<Device*>(arg);
  // Acknowledge first, so a notification arriving while the driver runs
  // raises the line again instead of being lost.
  const std::uint32_t status = rd(d.regs, kInterruptStatus);
  if (status) wr(d.regs, kInterruptAck, status);
  if ((status & kIntUsedBuffer) && d.driver->interrupt) d.driver->interrupt(d);
}

// Reset, ACKNOWLEDGE, DRIVER, feature negotiation (spec §3.1.1 steps 1-6).
klib::Result<void> negotiate(Device& d) {
  wr(d.regs, kStatus, 0);  // reset; modern devices may take a while to finish
  for (int spins = 0; rd(d.regs, kStatus) != 0; ++spins)
    if (spins == 1000000) return klib::Err(klib::Error::TIMEDOUT);
  add_status(d, kStatusAck);
  add_status(d, kStatusDriver);
  wr(d.regs, kDeviceFeaturesSel, 0);
  std::uint64_t offered = rd(d.regs, kDeviceFeatures);
  if (d.version >= 2) {
    wr(d.regs, kDeviceFeaturesSel, 1);
    offered |= std::uint64_t{rd(d.regs, kDeviceFeatures)} << 32;
    if (!(offered & kFeatureVersion1)) return klib::Err(klib::Error::NOTSUP);
  }
  std::uint64_t wanted = offered & d.driver->features & kDeviceSpecificMask;
  if (d.version >= 2) wanted |= kFeatureVersion1;
  wr(d.regs, kDriverFeaturesSel, 0);
  wr(d.regs, kDriverFeatures, static_cast<std::uint32_t>(wanted));
  if (d.version >= 2) {
    wr(d.regs, kDriverFeaturesSel, 1);
    wr(d.regs, kDriverFeatures, static_cast<std::uint32_t>(wanted >> 32));
    add_status(d, kStatusFeaturesOk);
    if (!(rd(d.regs, kStatus) & kStatusFeaturesOk)) return klib::Err(klib::Error::NOTSUP);
  } else {
    wr(d.regs, kGuestPageSize, static_cast<std::uint32_t>(kPage));  // QueuePFN is in these units
  }
  d.features = wanted;
  return klib::ok();
}

klib::Result<void> virtio_mmio_probe(dt::Node node) {
  const dt::Range reg = TRY(dt::reg(node));
  const std::uintptr_t regs = TRY(map_slot(reg.base, reg.size));
  if (rd(regs, kMagic) != kMagicValue) return klib::Err(klib::Error::NODEV);
  const std::uint32_t version = rd(regs, kVersion);
  if (version != 1 && version != 2) {
    klib::printk("virtio-mmio: %s: unsupported version %u\n", dt::name(node), version);
    return klib::Err(klib::Error::NOTSUP);
  }
  const std::uint32_t id = rd(regs, kDeviceId);
  if (id == 0) return klib::ok();  // an empty slot
  const Driver* drv = find_driver(id);
  if (!drv) {
    klib::printk("virtio-mmio: %s: device id %u (%s), no driver\n", dt::name(node), id,
                 id_name(id));
    return klib::ok();
  }
  if (g_device_count == kMaxDevices) return klib::Err(klib::Error::NOSPC);
  Device& d = g_devices[g_device_count];
  d.regs = regs;
  d.version = version;
  d.device_id = id;
  d.node_name = dt::name(node);
  d.driver = drv;
  d.irq = TRY(dt::irq(node));
  if (auto r = negotiate(d); !r) {
    wr(regs, kStatus, kStatusFailed);
    return r;
  }
  // The device cannot interrupt before DRIVER_OK, so attaching first is
  // safe; from here the slot is taken even if the driver fails, because the
  // handler and the driver may keep pointers to it.
  TRY(hal::irq_attach(d.irq, on_irq, &d));
  ++g_device_count;
  if (auto r = drv->probe(d); !r) {
    wr(regs, kStatus, kStatusFailed);
    return r;
  }
  add_status(d, kStatusDriverOk);
  hal::irq_unmask(d.irq);
  klib::printk("virtio-mmio: %s: %s (device id %u), %s transport, features 0x%llx, irq %u\n",
               d.node_name, drv->name, id, version == 1 ? "legacy" : "modern",
               static_cast<unsigned long long>(d.features), d.irq);
  return klib::ok();
}

}  // namespace

// The queue's descriptor table entry (spec §2.7.5).
struct Queue::Desc {
  std::uint64_t addr;
  std::uint32_t len;
  std::uint16_t flags;
  std::uint16_t next;
};

void register_driver(Driver& d) {
  d.next = g_drivers;
  g_drivers = &d;
}

klib::Result<Queue*> Device::setup_queue(unsigned index, unsigned max_size) {
  if (index >= kMaxQueues || max_size == 0) return klib::Err(klib::Error::INVAL);
  Queue& q = queues[index];
  wr(regs, kQueueSel, index);
  if (rd(regs, version == 1 ? kQueuePfn : kQueueReady) != 0) return klib::Err(klib::Error::BUSY);
  const unsigned dev_max = rd(regs, kQueueNumMax);
  if (dev_max == 0) return klib::Err(klib::Error::NOENT);  // no such queue
  unsigned size = max_size < dev_max ? max_size : dev_max;
  size = std::bit_floor(size);  // legacy devices need a power of two
  if (size > 32768) return klib::Err(klib::Error::INVAL);

  // Descriptors, then the available ring, then the used ring on the next
  // page boundary (the legacy QueueAlign).
  const std::size_t avail_off = 16 * size;
  const std::size_t used_off = (avail_off + 6 + 2 * size + kPage - 1) & ~(kPage - 1);
  const std::size_t total = used_off + 6 + 8 * size;
  unsigned order = 0;
  while ((kPage << order) < total) ++order;
  const hal::PhysAddr pa = TRY(mm::alloc_pages(order));
  auto* base = static_cast<std::uint8_t*>(hal::phys_to_virt(pa));
  __builtin_memset(base, 0, kPage << order);

  q.desc_ = reinterpret_cast<Queue::Desc*>(base);
  q.avail_ = reinterpret_cast<volatile std::uint16_t*>(base + avail_off);
  q.used_ = reinterpret_cast<volatile std::uint16_t*>(base + used_off);
  q.notify_reg_ = regs + kQueueNotify;
  q.pa_ = pa;
  q.order_ = order;
  q.index_ = index;
  q.size_ = size;
  q.free_count_ = size;
  q.free_head_ = 0;
  for (unsigned i = 0; i < size; ++i) q.desc_[i].next = static_cast<std::uint16_t>(i + 1);
  barrier();

  wr(regs, kQueueNum, size);
  if (version == 1) {
    wr(regs, kQueueAlign, static_cast<std::uint32_t>(kPage));
    wr(regs, kQueuePfn, static_cast<std::uint32_t>(pa / kPage));
  } else {
    const hal::PhysAddr avail = pa + avail_off, used = pa + used_off;
    wr(regs, kQueueDescLow, static_cast<std::uint32_t>(pa));
    wr(regs, kQueueDescHigh, static_cast<std::uint32_t>(pa >> 32));
    wr(regs, kQueueDriverLow, static_cast<std::uint32_t>(avail));
    wr(regs, kQueueDriverHigh, static_cast<std::uint32_t>(avail >> 32));
    wr(regs, kQueueDeviceLow, static_cast<std::uint32_t>(used));
    wr(regs, kQueueDeviceHigh, static_cast<std::uint32_t>(used >> 32));
    wr(regs, kQueueReady, 1);
  }
  return &q;
}

// Modern devices also offer a config generation counter for multi-word
// reads; single reads of 8 or 32 bits need none.
std::uint8_t Device::config_read8(unsigned offset) const {
  return *reinterpret_cast<volatile std::uint8_t*>(regs + kConfig + offset);
}
std::uint32_t Device::config_read32(unsigned offset) const {
  return *reinterpret_cast<volatile std::uint32_t*>(regs + kConfig + offset);
}

klib::Result<std::uint16_t> Queue::add(std::span<const Buffer> chain) {
  klib::SpinGuard g(lock_);
  if (chain.empty() || chain.size() > free_count_) return klib::Err(klib::Error::AGAIN);
  // The free list is linked through `next`, so a chain taken from its head
  // is already linked; only the flags need setting.
  const std::uint16_t head = free_head_;
  std::uint16_t i = head;
  for (std::size_t k = 0; k < chain.size(); ++k) {
    Desc& d = desc_[i];
    d.addr = chain[k].addr;
    d.len = chain[k].len;
    d.flags = static_cast<std::uint16_t>((chain[k].device_writes ? kDescWrite : 0) |
                                         (k + 1 < chain.size() ? kDescNext : 0));
    i = d.next;
  }
  free_head_ = i;
  free_count_ -= static_cast<unsigned>(chain.size());
  avail_[2 + avail_idx_ % size_] = head;
  barrier();  // the ring entry before the index that publishes it
  avail_[1] = ++avail_idx_;
  return head;
}

void Queue::kick() {
  barrier();  // the published index before the notification
  *reinterpret_cast<volatile std::uint32_t*>(notify_reg_) = index_;
}

bool Queue::has_used() const { return used_[1] != last_used_; }

bool Queue::pop_used(std::uint16_t* head, std::uint32_t* written) {
  klib::SpinGuard g(lock_);
  if (used_[1] == last_used_) return false;
  barrier();  // the element after the index that published it
  const auto* elems = reinterpret_cast<volatile const std::uint32_t*>(used_ + 2);
  const unsigned slot = last_used_ % size_;
  const std::uint32_t id = elems[2 * slot];
  const std::uint32_t len = elems[2 * slot + 1];
  ++last_used_;
  if (id >= size_) return false;  // a broken device; leak rather than corrupt
  std::uint16_t last = static_cast<std::uint16_t>(id);
  unsigned n = 1;
  while (desc_[last].flags & kDescNext) {
    last = desc_[last].next;
    ++n;
  }
  desc_[last].next = free_head_;
  free_head_ = static_cast<std::uint16_t>(id);
  free_count_ += n;
  *head = static_cast<std::uint16_t>(id);
  *written = len;
  return true;
}

}  // namespace virtio

FUSION_DRIVER(virtio_mmio, kernel::DriverStage::Device, virtio::virtio_mmio_probe, "virtio,mmio");
