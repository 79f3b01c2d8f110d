// ARMv7-M system registers (System Control Block, NVIC, MPU) and the small
// helpers hal/armv7m and the Cortex-M drivers share.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hal::arch {

inline std::uint32_t mmio_read32(std::uintptr_t a) {
  return *reinterpret_cast<volatile std::uint32_t*>(a);
}
inline void mmio_write32(std::uintptr_t a, std::uint32_t v) {
  *reinterpret_cast<volatile std::uint32_t*>(a) = v;
}

inline void dsb() { asm volatile("dsb" ::: "memory"); }
inline void isb() { asm volatile("isb" ::: "memory"); }

// System Control Block (ARMv7-M ARM, B3.2).
inline constexpr std::uintptr_t kIcsr = 0xe000ed04;
inline constexpr std::uintptr_t kVtor = 0xe000ed08;
inline constexpr std::uintptr_t kAircr = 0xe000ed0c;
inline constexpr std::uintptr_t kCcr = 0xe000ed14;
inline constexpr std::uintptr_t kShpr1 = 0xe000ed18;  // priorities of exceptions 4-7
inline constexpr std::uintptr_t kShpr2 = 0xe000ed1c;  // 8-11 (SVCall in bits 31:24)
inline constexpr std::uintptr_t kShpr3 = 0xe000ed20;  // 12-15 (PendSV 23:16, SysTick 31:24)
inline constexpr std::uintptr_t kShcsr = 0xe000ed24;
inline constexpr std::uintptr_t kCfsr = 0xe000ed28;
inline constexpr std::uintptr_t kHfsr = 0xe000ed2c;
inline constexpr std::uintptr_t kMmfar = 0xe000ed34;
inline constexpr std::uintptr_t kBfar = 0xe000ed38;

inline constexpr std::uint32_t kIcsrPendSvSet = 1u << 28;

// NVIC: 32 interrupts per register.
inline constexpr std::uintptr_t kNvicIser = 0xe000e100;
inline constexpr std::uintptr_t kNvicIcer = 0xe000e180;
inline constexpr std::uintptr_t kNvicIcpr = 0xe000e280;
inline constexpr std::uintptr_t kNvicIpr = 0xe000e400;  // one byte per interrupt
inline constexpr std::uintptr_t kIctr = 0xe000e004;     // interrupt lines / 32 - 1

// MPU (PMSAv7).
inline constexpr std::uintptr_t kMpuType = 0xe000ed90;
inline constexpr std::uintptr_t kMpuCtrl = 0xe000ed94;
inline constexpr std::uintptr_t kMpuRnr = 0xe000ed98;
inline constexpr std::uintptr_t kMpuRbar = 0xe000ed9c;
inline constexpr std::uintptr_t kMpuRasr = 0xe000eda0;

// Priorities (upper bits significant; QEMU and the M3 implement at least 3).
// SVCall stays above the kernel's interrupt mask so the divert return works
// with interrupts masked; every device interrupt, SysTick and PendSV sit
// below it; PendSV is the lowest so it runs only when returning to a thread.
inline constexpr std::uint8_t kPrioSvc = 0x00;
inline constexpr std::uint8_t kPrioIrq = 0x80;
inline constexpr std::uint8_t kPrioPendSv = 0xff;
inline constexpr std::uint32_t kBasepriMask = 0x40;  // hal::irq_save: masks kPrioIrq and below

inline std::uint32_t read_basepri() {
  std::uint32_t v;
  asm volatile("mrs %0, basepri" : "=r"(v));
  return v;
}
inline void write_basepri(std::uint32_t v) { asm volatile("msr basepri, %0" ::"r"(v) : "memory"); }
inline std::uint32_t read_ipsr() {
  std::uint32_t v;
  asm volatile("mrs %0, ipsr" : "=r"(v));
  return v;
}

// Interrupt dispatch (irq.cpp), called by the exception entry for every
// external interrupt.
void pend_pendsv();

// MPU (mpu.cpp): regions the CPU has (0: none), and the region-2 values that
// make [base, base + size) inaccessible (a thread's stack guard; base
// aligned to size, a power of two >= 32; RASR 0 if not). context_switch
// loads the incoming thread's pair; the fault handler lifts the guard to read
// the stacked frame (mpu_guard_off) and reports hits as stack overflows.
struct MpuRegion {
  std::uint32_t rbar, rasr;
};
unsigned mpu_regions();
MpuRegion mpu_guard_region(std::uintptr_t base, std::size_t size);
MpuRegion mpu_guard_off();  // returns what was there
void mpu_guard_restore(MpuRegion r);

// The thread pointer of the running thread (__aeabi_read_tp reads it).
extern "C" std::uint32_t armv7m_tp;

// Semihosting (QEMU -semihosting): bkpt 0xab. Returns false when no
// debugger/emulator answered (the breakpoint faulted and was skipped).
bool semihost_available();
std::uint32_t semihost_call(std::uint32_t op, const void* arg);

}  // namespace hal::arch

namespace hal::arch {

// The tick source behind hal/timer.hpp, registered by a timer driver
// (hal/drivers/cmsdk_timer.cpp): a 64-bit monotonic count and a one-shot
// interrupt that calls kernel::on_timer_interrupt.
struct TimerOps {
  std::uint64_t (*ticks)();
  std::uint64_t frequency_hz;
  void (*set_oneshot)(std::uint64_t deadline_ticks);
  void (*cancel)();
};
void timer_register(const TimerOps* ops);

}  // namespace hal::arch
