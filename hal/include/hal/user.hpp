// User space: lower-half page tables with ASIDs, the way into user mode and
// the trap-frame view of a system call. The kernel half is shared by every
// address space; user pages are never executable by the kernel and, where
// the CPU can, not accessible to it outside usercopy (aarch64 PAN, riscv64
// sstatus.SUM = 0). Each arch implements this in hal/<arch>/user*.cpp.
#pragma once

#include <cstddef>
#include <cstdint>

#include <hal/arch/mmu_layout.hpp>
#include <hal/context.hpp>
#include <hal/mmu.hpp>
#include <hal/trap.hpp>
#include <klib/result.hpp>

namespace hal {

// Access rights of a user page (the PROT_* bit values).
inline constexpr unsigned kUserRead = 1;
inline constexpr unsigned kUserWrite = 2;
inline constexpr unsigned kUserExec = 4;

// One address space's lower-half translation tables. `root` is physical;
// `asid` tags its TLB entries so switching needs no flush.
struct UserPageTable {
  PhysAddr root = 0;
  unsigned asid = 0;
};

// Boot CPU, once, after mm is up and before any user table exists: ASID
// allocator, the kernel-half entries user roots will share, PAN. Logs what
// it found (ASID bits, PAN). Secondary CPUs pick the settings up in
// secondary_cpu_init.
void user_init();

// A new, empty address space. NOMEM, AGAIN when no ASID is free.
klib::Result<void> user_table_create(UserPageTable* t);
// Frees every table and hands each still-mapped page to `release` (which owns
// page lifetimes); flushes and frees the ASID. The table must not be active
// on any CPU (detach it from every thread first).
void user_table_destroy(UserPageTable* t, void (*release)(PhysAddr pa, void* ctx), void* ctx);

// Maps the 4 KiB page at `va` (< kUserTop, aligned) to `pa` with `prot`
// (kUser*), replacing what was there (the TLB entry is flushed on every CPU).
// NOMEM when a table could not be allocated.
klib::Result<void> user_map(UserPageTable* t, std::uintptr_t va, PhysAddr pa, unsigned prot);
// What `va` maps to: true with the page's address and rights, false if nothing.
bool user_lookup(const UserPageTable* t, std::uintptr_t va, PhysAddr* pa, unsigned* prot);
// Unmaps every page in [start, end) (page aligned), calling `release` for
// each mapped page, and flushes the range from every CPU's TLB. Empty table
// ranges are skipped, so sparse ranges cost little.
void user_unmap_range(UserPageTable* t, std::uintptr_t start, std::uintptr_t end,
                      void (*release)(PhysAddr pa, void* ctx), void* ctx);

// Makes `t` (nullptr: none, the kernel-only lower half) the user space of
// the calling thread, whose context `ctx` must be; takes effect at once and
// context_switch installs it on every later switch to the thread.
void context_attach_user(Context* ctx, const UserPageTable* t);

// Leaves the kernel for user mode at `pc` with stack `sp` and first argument
// register `arg0` (every other register zero), on the calling thread's
// kernel stack, which from now on is its trap stack. Interrupts are enabled
// in user mode. Never returns: the thread re-enters the kernel through
// kernel::on_syscall / on_user_fault / interrupts.
[[noreturn]] void enter_user(std::uintptr_t pc, std::uintptr_t sp, std::uintptr_t arg0);

// Leaves the kernel for user mode with every register of `frame` (a copy of
// another thread's system call frame: clone's child), on the calling
// thread's kernel stack, like enter_user. riscv64 keeps the thread's own
// sstatus.FS.
[[noreturn]] void enter_user_frame(const TrapFrame& frame);

// The user thread pointer (TLS) of the calling thread, whose user frame is
// `f`: aarch64 TPIDR_EL0 (kept in hal::Context, not in frames), riscv64 tp
// (x4, in the frame).
std::uintptr_t user_tls(const TrapFrame& f);
// Sets the thread pointer a frame returns with: riscv64 tp; nothing on
// aarch64, where context_attach_current's `tp` is TPIDR_EL0 itself.
void trap_frame_set_tls(TrapFrame& f, std::uintptr_t tls);

// The ELF e_machine of programs this CPU runs, and the AT_HWCAP bits Linux
// reports for it.
std::uint16_t user_elf_machine();
std::uint64_t user_hwcap();

// Rewrites a frame from user mode so the return starts a new program (execve):
// every general register zero but the stack pointer and the first argument,
// pc = entry.
void trap_frame_reset_user(TrapFrame& f, std::uintptr_t pc, std::uintptr_t sp, std::uintptr_t arg0);

// True when the trap frame was saved on entry from user mode.
bool trap_frame_is_user(const TrapFrame& f);
std::uintptr_t trap_frame_sp(const TrapFrame& f);

// The system call in a frame from user mode (aarch64: svc #0, x8 and x0-x5;
// riscv64: ecall, a7 and a0-a5). The result goes to x0 / a0.
std::uint64_t syscall_number(const TrapFrame& f);
std::uint64_t syscall_arg(const TrapFrame& f, unsigned i);  // i < 6
void syscall_set_result(TrapFrame& f, std::uint64_t value);
// Makes the return run the same system call again (signal restart): pc
// back onto svc/ecall and the first argument register back to `arg0`.
void syscall_restart(TrapFrame& f, std::uint64_t arg0);

// Usercopy primitives. Each touches only [uaddr, uaddr + n) below kUserTop
// (the caller has checked the range) and survives a fault: a page that
// cannot be faulted in ends the copy. copy_*: bytes NOT copied (0 = all).
std::size_t user_copy_in(void* dst, const void* usrc, std::size_t n);
std::size_t user_copy_out(void* udst, const void* src, std::size_t n);
// Copies a NUL-terminated string of at most `n` bytes (NUL included):
// returns its length without the NUL, `n` when no NUL came within n bytes,
// or -1 on a fault.
long user_strncpy_in(char* dst, const char* usrc, std::size_t n);
// The kernel-mode frame's pc is inside a usercopy primitive.
bool in_usercopy(const TrapFrame& f);
// Redirects such a frame to the primitive's failure return (false if the pc
// is not inside one).
bool usercopy_fixup(TrapFrame& f);

}  // namespace hal
