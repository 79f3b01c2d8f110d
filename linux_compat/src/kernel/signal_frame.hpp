// Linux signal delivery to user handlers: the ABI structures both
// architectures share (siginfo, stack_t, sigset conversion), the per-arch
// frame builders (signal_frame_aarch64.cpp, signal_frame_riscv64.cpp) and
// the return-to-user hook that runs them (signal_deliver.cpp).
#pragma once

#include <hal/trap.hpp>
#include <kernel/signal.hpp>

#include <cstddef>
#include <cstdint>

namespace linux_compat {

inline constexpr int kSigSegv = 11;

// Linux's sa_flags bits (asm-generic, aarch64 and riscv64 alike).
inline constexpr std::uint64_t kSaSigInfo = 0x4;
inline constexpr std::uint64_t kSaRestorer = 0x04000000;
inline constexpr std::uint64_t kSaOnStack = 0x08000000;
inline constexpr std::uint64_t kSaRestart = 0x10000000;
inline constexpr std::uint64_t kSaNoDefer = 0x40000000;
inline constexpr std::uint64_t kSaResetHand = 0x80000000;

// stack_t's ss_flags.
inline constexpr int kSsOnStack = 1;
inline constexpr int kSsDisable = 2;
inline constexpr unsigned kSsAutoDisarm = 1u << 31;

// Internal restart codes a system call returns when a signal interrupted
// it (never seen by user space: syscall_entry turns them into EINTR or a
// restart, as Linux's ERESTARTSYS / ERESTARTNOINTR / ERESTARTNOHAND).
inline constexpr long kRestartSys = 512;
inline constexpr long kRestartNoIntr = 513;
inline constexpr long kRestartNoHand = 514;

// siginfo_t: 128 bytes; the union starts at 16 (pid/addr), uid at 20,
// sigval at 24 (checked against the cross toolchains' headers).
struct LinuxSiginfo {
  std::int32_t signo;
  std::int32_t errno_;
  std::int32_t code;
  std::int32_t pad;
  std::uint64_t fields[14];
};
static_assert(sizeof(LinuxSiginfo) == 128);

struct LinuxStack {  // stack_t
  std::uint64_t sp;
  std::int32_t flags;
  std::int32_t pad;
  std::uint64_t size;
};
static_assert(sizeof(LinuxStack) == 24);

// The fixed head of struct ucontext on both arches: flags, link, stack,
// the 8-byte kernel sigset, then padding to 1024 bits of sigset; the
// mcontext (sigcontext) follows at 176.
struct UcontextHead {
  std::uint64_t flags;
  std::uint64_t link;
  LinuxStack stack;
  std::uint64_t sigmask;
  std::uint8_t unused[1024 / 8 - 8];
  std::uint64_t align_pad;  // sigcontext is 16-byte aligned
};
static_assert(sizeof(UcontextHead) == 176);

// Linux sigset (bit n-1 = signal n) <-> the core's (bit n). Signal 64 has
// no place in the core's set and is dropped.
inline kernel::SigSet sigset_to_core(std::uint64_t s) { return (s << 1) & kernel::kAllSignals; }
inline std::uint64_t sigset_from_core(kernel::SigSet s) { return s >> 1; }

LinuxSiginfo make_siginfo(const kernel::SigInfo& info);

// What the frame builder needs besides the delivery itself.
struct FrameParams {
  std::uintptr_t sp;        // where the frame goes below (already the alt stack if used)
  std::uintptr_t restorer;  // the handler's return address
  LinuxStack uc_stack;      // the alternate stack as sigaltstack would report it
  std::uint64_t mask;       // Linux sigset to restore on sigreturn
};

// Per arch: writes rt_sigframe below p.sp and points the frame's registers
// at the handler. False when the frame cannot be written (the process is
// then killed with SIGSEGV).
bool arch_push_frame(hal::TrapFrame& f, const kernel::UserDelivery& d, const LinuxSiginfo& si,
                     const FrameParams& p);
// Per arch: rt_sigreturn reads the frame at the user sp back into `f`
// (mode bits sanitized) and the FP registers; false for a bad frame.
bool arch_pop_frame(hal::TrapFrame& f, std::uint64_t* mask, LinuxStack* uc_stack);
// MINSIGSTKSZ of the arch (sigaltstack's ENOMEM bound).
std::size_t arch_min_sigstack();
// The sigreturn trampoline's instructions (mov x8/li a7, 139; svc/ecall).
const std::uint32_t* arch_sigreturn_code(std::size_t* words);

// sigaltstack's checks and update, shared by the system call and sigreturn.
// `sp`: the caller's user stack pointer.
long set_altstack(const LinuxStack* ss, LinuxStack* old, std::uintptr_t sp);

// SignalRules::user_return of Linux processes.
void deliver_signals(hal::TrapFrame* frame);

}  // namespace linux_compat
