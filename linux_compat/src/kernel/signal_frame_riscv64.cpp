// riscv64 rt_sigframe, as Linux lays it out (checked against
// /usr/riscv64-linux-gnu/include/asm/sigcontext.h, ucontext.h, ptrace.h):
// siginfo, ucontext whose sigcontext holds sc_regs (pc, then x1..x31 in
// register order) and sc_fpregs (the D state: f0-f31, fcsr, in the 528-byte
// union whose Q-layout reserved words must stay zero).
#if defined(__riscv)
#include <cstring>
#include <hal/context.hpp>
#include <kernel/process.hpp>
#include <mm/usercopy.hpp>

#include <cstddef>

#include "signal_frame.hpp"

namespace linux_compat {
namespace {

struct Sigcontext {
  std::uint64_t regs[32];  // [0] = pc, [n] = xn
  std::uint64_t f[32];     // __riscv_d_ext_state
  std::uint32_t fcsr;
  std::uint32_t pad_d;
  std::uint64_t q_rest[31];  // the rest of the Q layout's f[64]
  std::uint32_t q_fcsr;
  std::uint32_t q_reserved[3];  // must be zero on sigreturn
};
static_assert(sizeof(Sigcontext) == 784 && offsetof(Sigcontext, q_reserved) == 256 + 516);

struct RtSigframe {
  LinuxSiginfo info;
  UcontextHead uc;
  Sigcontext sc;
};
static_assert(sizeof(RtSigframe) == 1088 && offsetof(RtSigframe, sc) == 128 + 176);

constexpr std::uint32_t kSigreturnCode[] = {
    0x08b00893,  // li a7, 139 (rt_sigreturn)
    0x00000073,  // ecall
};

}  // namespace

std::size_t arch_min_sigstack() { return 2048; }  // MINSIGSTKSZ

const std::uint32_t* arch_sigreturn_code(std::size_t* words) {
  *words = sizeof kSigreturnCode / sizeof kSigreturnCode[0];
  return kSigreturnCode;
}

bool arch_push_frame(hal::TrapFrame& f, const kernel::UserDelivery& d, const LinuxSiginfo& si,
                     const FrameParams& p) {
  kernel::ProcessThread* self = kernel::current_thread();
  if (!self || !self->user_fp) return false;
  const std::uintptr_t at = (p.sp - sizeof(RtSigframe)) & ~std::uintptr_t{15};
  if (at > p.sp) return false;
  RtSigframe fr;
  std::memset(&fr, 0, sizeof fr);
  fr.info = si;
  fr.uc.stack = p.uc_stack;
  fr.uc.sigmask = p.mask;
  fr.sc.regs[0] = f.sepc;
  for (int i = 1; i < 32; ++i) fr.sc.regs[i] = f.x[i];
  hal::FpState fp;
  hal::context_fp_read(&fp);
  for (int i = 0; i < 32; ++i) fr.sc.f[i] = fp.f[i];
  fr.sc.fcsr = static_cast<std::uint32_t>(fp.fcsr);
  if (!mm::copy_to_user(at, &fr, sizeof fr).ok()) return false;
  f.x[1] = p.restorer;  // ra
  f.x[2] = at;          // sp
  f.x[10] = static_cast<std::uint64_t>(d.info.signo);
  f.x[11] = at + offsetof(RtSigframe, info);
  f.x[12] = at + offsetof(RtSigframe, uc);
  f.sepc = d.action.handler;
  return true;
}

bool arch_pop_frame(hal::TrapFrame& f, std::uint64_t* mask, LinuxStack* uc_stack) {
  kernel::ProcessThread* self = kernel::current_thread();
  if (!self || !self->user_fp) return false;
  RtSigframe fr;
  if (!mm::copy_from_user(&fr, f.x[2], sizeof fr).ok()) return false;
  for (std::uint32_t w : fr.sc.q_reserved)
    if (w) return false;
  // Only pc and x1..x31 come back; sstatus (privilege, interrupt enable)
  // is not in the frame, so user state cannot reach S-mode.
  f.sepc = fr.sc.regs[0];
  for (int i = 1; i < 32; ++i) f.x[i] = fr.sc.regs[i];
  hal::FpState* fp = self->user_fp;
  for (int i = 0; i < 32; ++i) fp->f[i] = fr.sc.f[i];
  fp->fcsr = fr.sc.fcsr;
  hal::context_fp_write(fp);
  *mask = fr.uc.sigmask;
  *uc_stack = fr.uc.stack;
  return true;
}

}  // namespace linux_compat
#endif
