// Traps from user mode (trap_entry.S hands them here), the first entry to
// user mode, the syscall view of a trap frame and the usercopy fault fixup.
#include <hal/arch/csr.hpp>
#include <hal/arch/riscv.hpp>
#include <hal/cpu.hpp>
#include <hal/upcalls.hpp>
#include <hal/user.hpp>

extern "C" {
[[noreturn]] void riscv_enter_user(hal::TrapFrame* frame);
std::size_t hal_user_copy_in(void* dst, const void* usrc, std::size_t n);
std::size_t hal_user_copy_out(void* udst, const void* src, std::size_t n);
long hal_user_strncpy_in(char* dst, const char* usrc, std::size_t n);
extern char riscv_usercopy_begin[], riscv_usercopy_string[], riscv_usercopy_end[];
extern char riscv_usercopy_copy_fault[], riscv_usercopy_string_fault[];
}

namespace {

using hal::TrapFrame;
using kernel::UserFault;

void user_exception(TrapFrame* f) {
  switch (f->scause) {
    case 8:  // ecall from U-mode: resume after it
      f->sepc += 4;
      kernel::on_syscall(f);
      return;
    case 12:  // instruction page fault
    case 1:   // instruction access fault
      kernel::on_user_fault(f, UserFault::Exec, f->stval);
      return;
    case 13:  // load page fault
    case 5:   // load access fault
      kernel::on_user_fault(f, UserFault::Read, f->stval);
      return;
    case 15:  // store/AMO page fault
    case 7:   // store/AMO access fault
      kernel::on_user_fault(f, UserFault::Write, f->stval);
      return;
    case 0:  // misaligned fetch, load, store
    case 4:
    case 6:
      kernel::on_user_fault(f, UserFault::Alignment, f->stval);
      return;
    case 3:
      kernel::on_user_fault(f, UserFault::Breakpoint, f->sepc);
      return;
    default:  // illegal instruction and anything else
      kernel::on_user_fault(f, UserFault::Illegal, f->sepc);
      return;
  }
}

std::uintptr_t at(const char* sym) { return reinterpret_cast<std::uintptr_t>(sym); }

}  // namespace

namespace hal {
void handle_interrupt_from(TrapFrame* f);  // trap.cpp
}

extern "C" void riscv_user_trap(TrapFrame* f) {
  if (f->scause & hal::riscv::kScauseInterrupt) {
    hal::handle_interrupt_from(f);
  } else {
    hal::irq_enable();
    user_exception(f);
  }
  hal::irq_enable();
  kernel::on_user_return(f);
  hal::irq_disable();
}

namespace hal {

void enter_user(std::uintptr_t pc, std::uintptr_t sp, std::uintptr_t arg0) {
  alignas(16) TrapFrame frame{};
  frame.x[10] = arg0;
  frame.x[2] = sp;
  frame.sepc = pc;
  // SPP = 0 (user), SPIE = 1 (interrupts on after sret), SUM = 0; FS as the
  // thread has it (on for threads with FP state).
  std::uint64_t s = FUSION_CSR_READ(sstatus);
  s &= ~(riscv::kSstatusSpp | riscv::kSstatusSum | riscv::kSstatusSie);
  s |= riscv::kSstatusSpie;
  frame.sstatus = s;
  riscv_enter_user(&frame);
}

void enter_user_frame(const TrapFrame& from) {
  alignas(16) TrapFrame frame = from;
  // User mode, interrupts on after sret, SUM off; FS as this thread has it.
  constexpr std::uint64_t kFs = 0x6000;
  std::uint64_t s = FUSION_CSR_READ(sstatus);
  frame.sstatus =
      (s & ~(riscv::kSstatusSpp | riscv::kSstatusSum | riscv::kSstatusSie)) | riscv::kSstatusSpie;
  frame.sstatus = (frame.sstatus & ~kFs) | (s & kFs);
  riscv_enter_user(&frame);
}

std::uintptr_t user_tls(const TrapFrame& f) { return f.x[4]; }

void trap_frame_set_tls(TrapFrame& f, std::uintptr_t tls) { f.x[4] = tls; }

std::uint16_t user_elf_machine() { return 243; }  // EM_RISCV

std::uint64_t user_hwcap() {
  // One bit per single-letter extension; the kernel is built for RV64GC
  // (IMAFDC), so every hart it runs on has these.
  std::uint64_t caps = 0;
  for (char c : {'I', 'M', 'A', 'F', 'D', 'C'}) caps |= std::uint64_t{1} << (c - 'A');
  return caps;
}

void trap_frame_reset_user(TrapFrame& f, std::uintptr_t pc, std::uintptr_t sp,
                           std::uintptr_t arg0) {
  const std::uint64_t status = f.sstatus;  // SPP = 0, SPIE = 1, FS: still the thread's
  f = TrapFrame{};
  f.x[10] = arg0;
  f.x[2] = sp;
  f.sepc = pc;
  f.sstatus = status & ~riscv::kSstatusSum;
}

bool trap_frame_is_user(const TrapFrame& f) { return !(f.sstatus & riscv::kSstatusSpp); }
std::uintptr_t trap_frame_sp(const TrapFrame& f) { return f.x[2]; }

std::uint64_t syscall_number(const TrapFrame& f) { return f.x[17]; }
std::uint64_t syscall_arg(const TrapFrame& f, unsigned i) { return i < 6 ? f.x[10 + i] : 0; }
void syscall_set_result(TrapFrame& f, std::uint64_t value) { f.x[10] = value; }
void syscall_restart(TrapFrame& f, std::uint64_t arg0) {
  f.x[10] = arg0;
  f.sepc -= 4;  // back onto the ecall (always 4 bytes)
}

std::size_t user_copy_in(void* dst, const void* usrc, std::size_t n) {
  return hal_user_copy_in(dst, usrc, n);
}
std::size_t user_copy_out(void* udst, const void* src, std::size_t n) {
  return hal_user_copy_out(udst, src, n);
}
long user_strncpy_in(char* dst, const char* usrc, std::size_t n) {
  return hal_user_strncpy_in(dst, usrc, n);
}

bool in_usercopy(const TrapFrame& f) {
  return f.sepc >= at(riscv_usercopy_begin) && f.sepc < at(riscv_usercopy_end);
}

bool usercopy_fixup(TrapFrame& f) {
  if (!in_usercopy(f)) return false;
  f.sepc = f.sepc < at(riscv_usercopy_string) ? at(riscv_usercopy_copy_fault)
                                              : at(riscv_usercopy_string_fault);
  return true;
}

}  // namespace hal
