// hal/mmu.hpp without an MMU: addresses are physical, devices are used in
// place, RAM needs no mapping. Stack overflows are caught by the MPU guard
// (mpu.cpp) rather than an unmapped page.
#include <hal/mmu.hpp>

namespace hal {

PhysAddr virt_to_phys(const void* va) { return reinterpret_cast<std::uintptr_t>(va); }

klib::Result<void*> map_mmio(PhysAddr pa, std::size_t) {
  if (pa >> 32) return klib::Err(klib::Error::INVAL);
  return reinterpret_cast<void*>(static_cast<std::uintptr_t>(pa));
}

klib::Result<void> map_ram(PhysAddr start, PhysAddr end) {
  if (end <= start || (end - 1) >> 32) return klib::Err(klib::Error::INVAL);
  return klib::ok();
}

void unmap_kernel_page(void*) {}

}  // namespace hal
