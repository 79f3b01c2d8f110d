// Exception handling in C++: decodes ESR_EL1 for the fault reporter, lets a
// KTEST claim an expected fault, dispatches IRQs, and the hal/trap.hpp
// accessors and unwinder.
#include <hal/arch/irqchip.hpp>
#include <hal/arch/mmu_layout.hpp>
#include <hal/arch/sysreg.hpp>
#include <hal/trap.hpp>
#include <hal/upcalls.hpp>
#include <hal/user.hpp>
#include <klib/printk.hpp>

extern "C" char aarch64_semihost_hlt[];

namespace hal::arch {
bool g_semihost_unavailable;
}

namespace {

using hal::TrapFrame;

unsigned exception_class(const TrapFrame& f) { return (f.esr >> 26) & 0x3f; }

const char* abort_name(bool data, std::uint64_t esr) {
  const unsigned fsc = esr & 0x3f;
  if (fsc >= 0x04 && fsc <= 0x07)
    return data ? "data abort: translation fault" : "instruction abort: translation fault";
  if (fsc >= 0x09 && fsc <= 0x0b)
    return data ? "data abort: access flag fault" : "instruction abort: access flag fault";
  if (fsc >= 0x0d && fsc <= 0x0f)
    return data ? "data abort: permission fault" : "instruction abort: permission fault";
  if (fsc == 0x21) return "data abort: alignment fault";
  if (fsc == 0x10) return data ? "data abort: external abort" : "instruction abort: external abort";
  return data ? "data abort" : "instruction abort";
}

const char* cause_name(const TrapFrame& f) {
  switch (exception_class(f)) {
    case 0x00:
      return "undefined instruction";
    case 0x01:
      return "trapped WFI/WFE";
    case 0x07:
      return "FP/SIMD access (the kernel is built without FP)";
    case 0x0e:
      return "illegal execution state";
    case 0x15:
      return "SVC in the kernel";
    case 0x18:
      return "trapped MSR/MRS/system instruction";
    case 0x20:
    case 0x21:
      return abort_name(false, f.esr);
    case 0x22:
      return "PC alignment fault";
    case 0x24:
    case 0x25:
      return abort_name(true, f.esr);
    case 0x26:
      return "SP alignment fault";
    case 0x2f:
      return "SError";
    case 0x30:
    case 0x31:
      return "breakpoint";
    case 0x32:
    case 0x33:
      return "software step";
    case 0x34:
    case 0x35:
      return "watchpoint";
    case 0x3c:
      return "BRK instruction";
    default:
      return "unknown exception class";
  }
}

// FAR_EL1 is only meaningful for aborts and alignment faults.
std::uint64_t fault_address(const TrapFrame& f) {
  switch (exception_class(f)) {
    case 0x20:
    case 0x21:
    case 0x22:
    case 0x24:
    case 0x25:
      return f.far;
    default:
      return 0;
  }
}

}  // namespace

extern "C" void aarch64_sync(TrapFrame* f) {
  if (exception_class(*f) == 0 && f->elr == reinterpret_cast<std::uint64_t>(aarch64_semihost_hlt)) {
    hal::arch::g_semihost_unavailable = true;  // HLT undefined: no semihosting
    f->elr += 4;
    return;
  }
  // A usercopy primitive touching a user page: fault it in, or fail the copy.
  if (exception_class(*f) == 0x25 && f->far < hal::kUserTop && hal::in_usercopy(*f)) {
    const bool write = (f->esr >> 6) & 1;
    if ((f->esr & 0x3f) != 0x21 && kernel::on_usercopy_fault(f->far, write)) return;
    hal::usercopy_fixup(*f);
    return;
  }
  if (kernel::on_expected_fault(f, fault_address(*f))) return;
  kernel::on_fatal_exception(f, cause_name(*f), fault_address(*f));
}

// Runs on the emergency stack; the frame's sp is the overflowed one. A test
// that expects the fault moves pc and sp to a good stack.
extern "C" void aarch64_stack_overflow(TrapFrame* f) {
  if (kernel::on_expected_fault(f, f->far)) return;
  kernel::on_fatal_exception(f, "kernel stack overflow", f->far);
}

extern "C" void aarch64_irq(TrapFrame* f) {
  hal::arch::handle_irq();
  kernel::on_irq_exit();
  kernel::on_irq_return(f);
}

extern "C" [[noreturn]] void aarch64_bad_exception(TrapFrame* f, unsigned vector) {
  static const char* const kinds[16] = {"sync with SP_EL0",
                                        "IRQ with SP_EL0",
                                        "FIQ with SP_EL0",
                                        "SError with SP_EL0",
                                        "sync",
                                        "IRQ",
                                        "FIQ",
                                        "SError",
                                        "sync from EL0",
                                        "IRQ from EL0",
                                        "FIQ from EL0",
                                        "SError from EL0",
                                        "sync from AArch32 EL0",
                                        "IRQ from AArch32 EL0",
                                        "FIQ from AArch32 EL0",
                                        "SError from AArch32 EL0"};
  kernel::on_fatal_exception(f, kinds[vector & 15], 0);
}

namespace hal {

std::uintptr_t trap_frame_pc(const TrapFrame& f) { return f.elr; }
std::uintptr_t trap_frame_fp(const TrapFrame& f) { return f.x[29]; }
void trap_frame_set_pc(TrapFrame& f, std::uintptr_t pc) { f.elr = pc; }
void trap_frame_set_sp(TrapFrame& f, std::uintptr_t sp) { f.sp = sp; }

void print_trap_frame(const TrapFrame& f) {
  for (int i = 0; i < 30; i += 3) {
    klib::printk(" x%-2d %016lx  x%-2d %016lx  x%-2d %016lx\n", i, f.x[i], i + 1, f.x[i + 1], i + 2,
                 f.x[i + 2]);
  }
  klib::printk(" x30 %016lx  sp  %016lx  pc  %016lx\n", f.x[30], f.sp, f.elr);
  klib::printk(" spsr %08lx  esr %08lx (EC 0x%lx ISS 0x%lx)  far %016lx\n", f.spsr, f.esr,
               (f.esr >> 26) & 0x3f, f.esr & 0x1ffffff, f.far);
}

bool unwind_step(std::uintptr_t& fp, std::uintptr_t& return_address) {
  // Only follow records that are aligned, in the kernel half and mapped: a
  // corrupt chain must end the backtrace, not fault inside the reporter.
  if (fp == 0 || (fp & 7) || fp < kDirectMapBase) return false;
  for (std::uintptr_t a : {fp, fp + 8}) {
    asm volatile("at s1e1r, %0\n isb" ::"r"(a) : "memory");
    if (HAL_READ_SYSREG(par_el1) & 1) return false;
  }
  const auto* record = reinterpret_cast<const std::uintptr_t*>(fp);
  return_address = record[1];
  fp = record[0];
  return true;
}

}  // namespace hal
