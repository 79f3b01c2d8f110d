// riscv64 trap dispatch (called from trap_entry.S): interrupts to the timer,
// PLIC and IPI handlers, exceptions to the kernel's fault reporter; plus the
// trap frame accessors and the frame-pointer unwinder.
#include <hal/arch/csr.hpp>
#include <hal/arch/mmu_internal.hpp>
#include <hal/arch/riscv.hpp>
#include <hal/arch/semihost.hpp>
#include <hal/trap.hpp>
#include <hal/upcalls.hpp>
#include <hal/user.hpp>
#include <klib/printk.hpp>

namespace hal {
namespace {

const char* exception_name(std::uint64_t code) {
  static const char* const kNames[] = {"instruction address misaligned",
                                       "instruction access fault",
                                       "illegal instruction",
                                       "breakpoint",
                                       "load address misaligned",
                                       "load access fault",
                                       "store/AMO address misaligned",
                                       "store/AMO access fault",
                                       "environment call from U-mode",
                                       "environment call from S-mode",
                                       "reserved (10)",
                                       "environment call from M-mode",
                                       "instruction page fault",
                                       "load page fault",
                                       "reserved (14)",
                                       "store/AMO page fault"};
  if (code < sizeof(kNames) / sizeof(kNames[0])) return kNames[code];
  if (code == 18) return "software check";
  if (code == 19) return "hardware error";
  return "unknown exception";
}

// Interrupt work common to kernel- and user-mode frames.
void handle_interrupt_work(TrapFrame* f) {
  const std::uint64_t code = f->scause & ~riscv::kScauseInterrupt;
  if (code == 5) {
    riscv::handle_timer_interrupt();
  } else if (code == 9) {
    riscv::handle_external_interrupt();
  } else if (code == 1) {
    riscv::handle_ipi();
  } else {
    kernel::on_fatal_exception(f, "unexpected interrupt", code);
  }
  kernel::on_irq_exit();
}

void handle_interrupt(TrapFrame* f) {
  handle_interrupt_work(f);
  kernel::on_irq_return(f);
}

void handle_exception(TrapFrame* f) {
  const std::uint64_t code = f->scause;
  if (riscv::semihost::catch_unanswered(*f)) return;
  // A usercopy primitive touching a user page: fault it in, or fail the copy.
  if ((code == 13 || code == 15) && f->stval < kUserTop && in_usercopy(*f)) {
    if (kernel::on_usercopy_fault(f->stval, code == 15)) return;
    usercopy_fixup(*f);
    return;
  }
  // A KTEST may provoke any fault, a guard-page hit included; it resumes on
  // a good stack (the frame may sit on the emergency stack, that is fine).
  if (kernel::on_expected_fault(f, f->stval)) return;
  const bool page_fault = code == 12 || code == 13 || code == 15;
  if (page_fault && riscv::is_guard_page(f->stval))
    kernel::on_fatal_exception(f, "kernel stack overflow", f->stval);
  kernel::on_fatal_exception(f, exception_name(code), f->stval);
}

}  // namespace

void handle_interrupt_from(TrapFrame* f) { handle_interrupt_work(f); }

std::uintptr_t trap_frame_pc(const TrapFrame& f) { return f.sepc; }
std::uintptr_t trap_frame_fp(const TrapFrame& f) { return f.x[8]; }
void trap_frame_set_pc(TrapFrame& f, std::uintptr_t pc) { f.sepc = pc; }
void trap_frame_set_sp(TrapFrame& f, std::uintptr_t sp) { f.x[2] = sp; }

void print_trap_frame(const TrapFrame& f) {
  static const char* const kAbi[32] = {"zero", "ra", "sp",  "gp",  "tp", "t0", "t1", "t2",
                                       "s0",   "s1", "a0",  "a1",  "a2", "a3", "a4", "a5",
                                       "a6",   "a7", "s2",  "s3",  "s4", "s5", "s6", "s7",
                                       "s8",   "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
  for (unsigned i = 1; i < 32; i += 3) {
    for (unsigned j = i; j < i + 3 && j < 32; ++j)
      klib::printk("  %-4s %016lx", kAbi[j], static_cast<unsigned long>(f.x[j]));
    klib::printk("\n");
  }
  klib::printk("  sepc %016lx sstatus %016lx\n  scause %016lx stval %016lx\n",
               static_cast<unsigned long>(f.sepc), static_cast<unsigned long>(f.sstatus),
               static_cast<unsigned long>(f.scause), static_cast<unsigned long>(f.stval));
}

bool unwind_step(std::uintptr_t& fp, std::uintptr_t& return_address) {
  // RISC-V frame record with -fno-omit-frame-pointer: fp = the caller's sp at
  // entry; [fp - 8] = return address, [fp - 16] = caller's fp.
  if (fp < 16 || (fp & 7) || !riscv::is_kernel_readable(fp - 16) ||
      !riscv::is_kernel_readable(fp - 8))
    return false;
  const auto* rec = reinterpret_cast<const std::uintptr_t*>(fp - 16);
  return_address = rec[1];
  fp = rec[0];
  return return_address != 0;
}

}  // namespace hal

extern "C" void riscv_trap_dispatch(hal::TrapFrame* f) {
  if (f->scause & hal::riscv::kScauseInterrupt)
    hal::handle_interrupt(f);
  else
    hal::handle_exception(f);
}
