// Exceptions in C++: fault decoding for the reporter (CFSR/HFSR/MMFAR/BFAR),
// KTEST expected faults, PendSV preemption and the SVCall that ends a
// divert, plus the hal/trap.hpp accessors.
#include <hal/arch/armv7m.hpp>
#include <hal/trap.hpp>
#include <hal/upcalls.hpp>
#include <klib/printk.hpp>

#include "frame.hpp"

extern "C" char armv7m_semihost_bkpt[];

namespace hal::arch {
bool g_semihost_unavailable;
}

namespace {

using hal::TrapFrame;
using namespace hal::arch;

// CFSR bits (MMFSR 7:0, BFSR 15:8, UFSR 31:16).
constexpr std::uint32_t kMmarValid = 1u << 7;
constexpr std::uint32_t kBfarValid = 1u << 15;
constexpr std::uint32_t kHfsrForced = 1u << 30;
constexpr std::uint32_t kHfsrDebugEvt = 1u << 31;

#if FUSION_FAULT_NAMES
const char* cfsr_cause(std::uint32_t cfsr) {
  struct Bit {
    std::uint32_t mask;
    const char* name;
  };
  static constexpr Bit kBits[] = {
      {1u << 0, "MemManage: instruction access violation"},
      {1u << 1, "MemManage: data access violation"},
      {1u << 3, "MemManage: fault on exception return unstacking"},
      {1u << 4, "MemManage: fault on exception entry stacking (stack overflow?)"},
      {1u << 8, "BusFault: instruction bus error"},
      {1u << 9, "BusFault: precise data bus error"},
      {1u << 10, "BusFault: imprecise data bus error"},
      {1u << 11, "BusFault: fault on exception return unstacking"},
      {1u << 12, "BusFault: fault on exception entry stacking"},
      {1u << 16, "UsageFault: undefined instruction"},
      {1u << 17, "UsageFault: invalid state (Thumb bit clear)"},
      {1u << 18, "UsageFault: invalid exception return"},
      {1u << 19, "UsageFault: coprocessor access (no FPU)"},
      {1u << 24, "UsageFault: unaligned access"},
      {1u << 25, "UsageFault: divide by zero"},
  };
  for (const Bit& b : kBits)
    if (cfsr & b.mask) return b.name;
  return nullptr;
}
#else
// Short names (cmake FUSION_FAULT_NAMES OFF): the fault class only; the
// dump below prints CFSR, whose bits say the rest (ARMv7-M ARM B3.2.15).
const char* cfsr_cause(std::uint32_t cfsr) {
  if (cfsr & 0xffu) return "MemManage (see CFSR)";
  if (cfsr & 0xff00u) return "BusFault (see CFSR)";
  if (cfsr & 0xffff0000u) return "UsageFault (see CFSR)";
  return nullptr;
}
#endif

const char* cause_name(const TrapFrame& f, unsigned exception) {
  switch (exception) {
    case 2:
      return "NMI";
    case 3:
      if (f.hfsr & kHfsrDebugEvt) return "HardFault: debug event (bkpt without a debugger)";
      if (f.hfsr & kHfsrForced) {
        const char* c = cfsr_cause(f.cfsr);
        return c ? c : "HardFault (escalated)";
      }
      return "HardFault: vector table read error";
    case 4:
    case 5:
    case 6: {
      const char* c = cfsr_cause(f.cfsr);
      return c ? c : "fault with no status bit set";
    }
    default:
      return "unexpected exception";
  }
}

std::uint32_t fault_address(const TrapFrame& f) {
  if (f.cfsr & kMmarValid) return f.mmfar;
  if (f.cfsr & kBfarValid) return f.bfar;
  return 0;
}

// The access hit the running thread's stack guard (MPU region 2), or the
// hardware could not stack an exception frame below sp.
bool stack_overflow(const TrapFrame& f, MpuRegion guard) {
  constexpr std::uint32_t kMStkErr = 1u << 4;
  if (!(guard.rasr & 1)) return false;
  if (f.cfsr & kMStkErr) return true;
  const std::uint32_t base = guard.rbar & ~0x1fu;
  const std::uint32_t size = 2u << ((guard.rasr >> 1) & 0x1f);
  return (f.cfsr & kMmarValid) && f.mmfar - base < size;
}

}  // namespace

extern "C" std::uint32_t armv7m_fault(HwFrame* hw, EntryBlock* e) {
  const unsigned exception = read_ipsr() & 0x1ff;
  // Lift the stack guard first: the stacked frame may lie inside it.
  const MpuRegion guard = mpu_regions() ? mpu_guard_off() : MpuRegion{0, 0};
  TrapFrame f = capture(hw, e);
  f.cfsr = mmio_read32(kCfsr);
  f.hfsr = mmio_read32(kHfsr);
  f.mmfar = mmio_read32(kMmfar);
  f.bfar = mmio_read32(kBfar);
  // Clear the sticky status so the next fault reports its own cause.
  mmio_write32(kCfsr, f.cfsr);
  mmio_write32(kHfsr, f.hfsr);
  if (exception == 3 && (f.hfsr & kHfsrDebugEvt) &&
      f.pc == reinterpret_cast<std::uint32_t>(armv7m_semihost_bkpt)) {
    g_semihost_unavailable = true;  // nobody serviced the bkpt: no semihosting
    f.pc += 2;
    if (guard.rasr) mpu_guard_restore(guard);
    return commit(f, e);
  }
  const bool from_thread = (f.exc_return & 4) != 0;
  if (from_thread && kernel::on_expected_fault(&f, fault_address(f))) {
    if (guard.rasr) mpu_guard_restore(guard);
    return commit(f, e);
  }
  const bool overflow = stack_overflow(f, guard);
  kernel::on_fatal_exception(&f, overflow ? "kernel stack overflow" : cause_name(f, exception),
                             fault_address(f));
}

namespace hal {

std::uintptr_t trap_frame_pc(const TrapFrame& f) { return f.pc; }
std::uintptr_t trap_frame_fp(const TrapFrame& f) { return f.sp; }  // see unwind_step
void trap_frame_set_pc(TrapFrame& f, std::uintptr_t pc) {
  f.pc = pc & ~std::uintptr_t{1};
  f.xpsr = arch::kXpsrThumb;  // fresh Thumb state, no IT block in progress
}
void trap_frame_set_sp(TrapFrame& f, std::uintptr_t sp) { f.sp = sp; }

void print_trap_frame(const TrapFrame& f) {
  // std::uint32_t is unsigned long with arm-none-eabi: print as unsigned.
  auto u = [](std::uint32_t v) { return static_cast<unsigned>(v); };
  for (int i = 0; i < 12; i += 4)
    klib::printk(" r%-2d %08x  r%-2d %08x  r%-2d %08x  r%-2d %08x\n", i, u(f.r[i]), i + 1,
                 u(f.r[i + 1]), i + 2, u(f.r[i + 2]), i + 3, u(f.r[i + 3]));
  klib::printk(" r12 %08x  sp  %08x  lr  %08x  pc  %08x\n", u(f.r[12]), u(f.sp), u(f.lr), u(f.pc));
  klib::printk(" xpsr %08x  basepri %02x  exc_return %08x\n", u(f.xpsr), u(f.basepri),
               u(f.exc_return));
  klib::printk(" CFSR %08x  HFSR %08x  MMFAR %08x  BFAR %08x\n", u(f.cfsr), u(f.hfsr), u(f.mmfar),
               u(f.bfar));
}

}  // namespace hal
