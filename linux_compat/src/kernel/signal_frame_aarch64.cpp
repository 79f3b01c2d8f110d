// aarch64 rt_sigframe, as Linux lays it out (arch/arm64 signal ABI, checked
// against /usr/aarch64-linux-gnu/include/asm/sigcontext.h and ucontext.h):
// siginfo, ucontext whose sigcontext holds x0-x30, sp, pc, pstate and a
// 4 KiB __reserved area of records (fpsimd_context, then a terminator),
// plus a frame record {x29, x30} above it for unwinders.
#if defined(__aarch64__)
#include <cstring>
#include <hal/context.hpp>
#include <kernel/process.hpp>
#include <mm/usercopy.hpp>

#include <cstddef>

#include "signal_frame.hpp"

namespace linux_compat {
namespace {

constexpr std::uint32_t kFpsimdMagic = 0x46508001;
constexpr std::uint32_t kEsrMagic = 0x45535201;  // fault syndrome record: skipped on return
constexpr std::size_t kReservedSize = 4096;
constexpr std::uint64_t kPstateNzcv = 0xf0000000;
// M[4:0] (EL0t = 0, nRW) and DAIF (bits 6-9): user state may not set them.
constexpr std::uint64_t kPstateForbidden = 0x1f | (0xfu << 6);

struct Sigcontext {
  std::uint64_t fault_address;
  std::uint64_t regs[31];
  std::uint64_t sp;
  std::uint64_t pc;
  std::uint64_t pstate;
  std::uint64_t pad;  // __reserved is 16-byte aligned
  std::uint8_t reserved[kReservedSize];
};
static_assert(offsetof(Sigcontext, sp) == 256 && offsetof(Sigcontext, reserved) == 288);

struct FpsimdRecord {
  std::uint32_t magic;
  std::uint32_t size;
  std::uint32_t fpsr;
  std::uint32_t fpcr;
  std::uint8_t vregs[32 * 16];
};
static_assert(sizeof(FpsimdRecord) == 528);

struct RtSigframe {
  LinuxSiginfo info;
  UcontextHead uc;
  Sigcontext sc;
};
static_assert(sizeof(RtSigframe) == 4688 && offsetof(RtSigframe, uc) == 128);
static_assert(offsetof(RtSigframe, sc) == 128 + 176);

constexpr std::uint32_t kSigreturnCode[] = {
    0xd2801168,  // mov x8, #139 (rt_sigreturn)
    0xd4000001,  // svc #0
};

}  // namespace

std::size_t arch_min_sigstack() { return 5120; }  // MINSIGSTKSZ

const std::uint32_t* arch_sigreturn_code(std::size_t* words) {
  *words = sizeof kSigreturnCode / sizeof kSigreturnCode[0];
  return kSigreturnCode;
}

bool arch_push_frame(hal::TrapFrame& f, const kernel::UserDelivery& d, const LinuxSiginfo& si,
                     const FrameParams& p) {
  kernel::ProcessThread* self = kernel::current_thread();
  if (!self || !self->user_fp) return false;
  const std::uintptr_t record = (p.sp - 16) & ~std::uintptr_t{15};
  const std::uintptr_t at = (record - sizeof(RtSigframe)) & ~std::uintptr_t{15};
  if (at > record) return false;  // wrapped below 0
  // Big (4.6 KiB), but the return path is shallow: no allocation to fail.
  RtSigframe fr;
  std::memset(&fr, 0, sizeof fr);
  fr.info = si;
  fr.uc.stack = p.uc_stack;
  fr.uc.sigmask = p.mask;
  fr.sc.fault_address = d.info.code == kernel::SigCode::Fault ? d.info.addr : 0;
  for (int i = 0; i < 31; ++i) fr.sc.regs[i] = f.x[i];
  fr.sc.sp = f.sp;
  fr.sc.pc = f.elr;
  fr.sc.pstate = f.spsr;
  hal::FpState fp;
  hal::context_fp_read(&fp);
  FpsimdRecord rec{};
  rec.magic = kFpsimdMagic;
  rec.size = sizeof rec;
  rec.fpsr = static_cast<std::uint32_t>(fp.fpsr);
  rec.fpcr = static_cast<std::uint32_t>(fp.fpcr);
  std::memcpy(rec.vregs, fp.q, sizeof rec.vregs);
  std::memcpy(fr.sc.reserved, &rec, sizeof rec);  // the terminator after it is zero
  const std::uint64_t frame_record[2] = {f.x[29], f.x[30]};
  if (!mm::copy_to_user(at, &fr, sizeof fr).ok()) return false;
  if (!mm::copy_to_user(record, frame_record, sizeof frame_record).ok()) return false;
  f.x[0] = static_cast<std::uint64_t>(d.info.signo);
  f.x[1] = at + offsetof(RtSigframe, info);
  f.x[2] = at + offsetof(RtSigframe, uc);
  f.x[29] = record;
  f.x[30] = p.restorer;
  f.sp = at;
  f.elr = d.action.handler;
  return true;
}

bool arch_pop_frame(hal::TrapFrame& f, std::uint64_t* mask, LinuxStack* uc_stack) {
  kernel::ProcessThread* self = kernel::current_thread();
  if (!self || !self->user_fp) return false;
  const std::uintptr_t at = f.sp;
  if (at & 15) return false;  // the handler's frame is always 16-byte aligned
  RtSigframe fr;
  if (!mm::copy_from_user(&fr, at, sizeof fr).ok()) return false;
  // A forged pstate must not reach EL1 or mask exceptions: refused, as Linux.
  if (fr.sc.pstate & kPstateForbidden) return false;
  // The records: exactly one fpsimd_context; esr_context tolerated.
  const FpsimdRecord* fpsimd = nullptr;
  FpsimdRecord rec;
  for (std::size_t off = 0;;) {
    if (off + 8 > kReservedSize) return false;
    std::uint32_t head[2];
    std::memcpy(head, fr.sc.reserved + off, sizeof head);
    if (head[0] == 0 && head[1] == 0) break;  // terminator
    if (head[1] < 8 || head[1] % 16 || off + head[1] > kReservedSize) return false;
    if (head[0] == kFpsimdMagic) {
      if (fpsimd || head[1] != sizeof(FpsimdRecord)) return false;
      std::memcpy(&rec, fr.sc.reserved + off, sizeof rec);
      fpsimd = &rec;
    } else if (head[0] != kEsrMagic) {
      return false;
    }
    off += head[1];
  }
  if (!fpsimd) return false;
  for (int i = 0; i < 31; ++i) f.x[i] = fr.sc.regs[i];
  f.sp = fr.sc.sp;
  f.elr = fr.sc.pc;
  f.spsr = fr.sc.pstate & kPstateNzcv;  // EL0t, interrupts on
  hal::FpState* fp = self->user_fp;
  std::memcpy(fp->q, rec.vregs, sizeof fp->q);
  fp->fpsr = rec.fpsr;
  fp->fpcr = rec.fpcr;
  hal::context_fp_write(fp);
  *mask = fr.uc.sigmask;
  *uc_stack = fr.uc.stack;
  return true;
}

}  // namespace linux_compat
#endif
