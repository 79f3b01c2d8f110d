// Exceptions from EL0 (vectors.S hands them here), the first entry to EL0,
// the syscall view of a trap frame and the usercopy fault fixup.
#include <hal/arch/irqchip.hpp>
#include <hal/cpu.hpp>
#include <hal/upcalls.hpp>
#include <hal/user.hpp>

extern "C" {
[[noreturn]] void aarch64_enter_user(hal::TrapFrame* frame);
std::size_t hal_user_copy_in(void* dst, const void* usrc, std::size_t n);
std::size_t hal_user_copy_out(void* udst, const void* src, std::size_t n);
long hal_user_strncpy_in(char* dst, const char* usrc, std::size_t n);
extern char aarch64_usercopy_begin[], aarch64_usercopy_string[], aarch64_usercopy_end[];
extern char aarch64_usercopy_copy_fault[], aarch64_usercopy_string_fault[];
}

namespace {

using hal::TrapFrame;
using kernel::UserFault;

constexpr std::uint64_t kSpsrModeMask = 0xf;  // M[3:0]; EL0t = 0

unsigned exception_class(const TrapFrame& f) { return (f.esr >> 26) & 0x3f; }

// Data/instruction abort status: alignment faults are SIGBUS, the rest
// (translation, access flag, permission) go to the page-fault path.
bool is_alignment_fault(std::uint64_t esr) { return (esr & 0x3f) == 0x21; }

void user_exception(TrapFrame* f) {
  const unsigned ec = exception_class(*f);
  switch (ec) {
    case 0x15:  // SVC from AArch64
      kernel::on_syscall(f);
      return;
    case 0x24:  // data abort from EL0
      if (is_alignment_fault(f->esr)) {
        kernel::on_user_fault(f, UserFault::Alignment, f->far);
      } else {
        const bool write = (f->esr >> 6) & 1;  // ISS.WnR
        kernel::on_user_fault(f, write ? UserFault::Write : UserFault::Read, f->far);
      }
      return;
    case 0x20:  // instruction abort from EL0
      kernel::on_user_fault(f, UserFault::Exec, f->far);
      return;
    case 0x22:  // PC alignment
    case 0x26:  // SP alignment
      kernel::on_user_fault(f, UserFault::Alignment, f->far);
      return;
    case 0x3c:  // BRK
      kernel::on_user_fault(f, UserFault::Breakpoint, f->elr);
      return;
    default:  // undefined instruction, trapped system register, ...
      kernel::on_user_fault(f, UserFault::Illegal, f->elr);
      return;
  }
}

}  // namespace

extern "C" void aarch64_el0_sync(TrapFrame* f) {
  hal::irq_enable();
  user_exception(f);
  kernel::on_user_return(f);
  hal::irq_disable();
}

extern "C" void aarch64_el0_irq(TrapFrame* f) {
  hal::arch::handle_irq();
  kernel::on_irq_exit();
  hal::irq_enable();
  kernel::on_user_return(f);
  hal::irq_disable();
}

namespace hal {

void enter_user(std::uintptr_t pc, std::uintptr_t sp, std::uintptr_t arg0) {
  alignas(16) TrapFrame frame{};
  frame.x[0] = arg0;
  frame.sp = sp;
  frame.elr = pc;
  frame.spsr = 0;  // EL0t, DAIF clear: interrupts on in user mode
  aarch64_enter_user(&frame);
}

void enter_user_frame(const TrapFrame& from) {
  alignas(16) TrapFrame frame = from;
  frame.spsr = from.spsr & ~std::uint64_t{0x3cf};  // EL0t, DAIF clear
  aarch64_enter_user(&frame);
}

std::uintptr_t user_tls(const TrapFrame&) {
  std::uint64_t tp;
  asm volatile("mrs %0, tpidr_el0" : "=r"(tp));
  return tp;
}

void trap_frame_set_tls(TrapFrame&, std::uintptr_t) {}

std::uint16_t user_elf_machine() { return 183; }  // EM_AARCH64

std::uint64_t user_hwcap() {
  // HWCAP_FP | HWCAP_ASIMD when ID_AA64PFR0_EL1 says they exist (0xf = absent).
  std::uint64_t pfr0;
  asm volatile("mrs %0, id_aa64pfr0_el1" : "=r"(pfr0));
  std::uint64_t caps = 0;
  if (((pfr0 >> 16) & 0xf) != 0xf) caps |= 1u << 0;
  if (((pfr0 >> 20) & 0xf) != 0xf) caps |= 1u << 1;
  return caps;
}

void trap_frame_reset_user(TrapFrame& f, std::uintptr_t pc, std::uintptr_t sp,
                           std::uintptr_t arg0) {
  f = TrapFrame{};
  f.x[0] = arg0;
  f.sp = sp;
  f.elr = pc;
  f.spsr = 0;  // EL0t, interrupts on
}

bool trap_frame_is_user(const TrapFrame& f) { return (f.spsr & kSpsrModeMask) == 0; }
std::uintptr_t trap_frame_sp(const TrapFrame& f) { return f.sp; }

std::uint64_t syscall_number(const TrapFrame& f) { return f.x[8]; }
std::uint64_t syscall_arg(const TrapFrame& f, unsigned i) { return i < 6 ? f.x[i] : 0; }
void syscall_set_result(TrapFrame& f, std::uint64_t value) { f.x[0] = value; }
void syscall_restart(TrapFrame& f, std::uint64_t arg0) {
  f.x[0] = arg0;
  f.elr -= 4;  // back onto the svc
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

namespace {
std::uintptr_t at(const char* sym) { return reinterpret_cast<std::uintptr_t>(sym); }
}  // namespace

bool in_usercopy(const TrapFrame& f) {
  return f.elr >= at(aarch64_usercopy_begin) && f.elr < at(aarch64_usercopy_end);
}

bool usercopy_fixup(TrapFrame& f) {
  const auto pc = f.elr;
  if (!in_usercopy(f)) return false;
  f.elr = pc < at(aarch64_usercopy_string) ? at(aarch64_usercopy_copy_fault)
                                           : at(aarch64_usercopy_string_fault);
  return true;
}

}  // namespace hal
