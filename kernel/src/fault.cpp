// Fatal paths: panic, failed KASSERT and unexpected exceptions. Each prints
// what a kernel engineer needs (CPU, cause, address, registers, backtrace)
// and then stops the machine; tools/run symbolizes the `  #N 0x...` lines.
#include <hal/cpu.hpp>
#include <hal/power.hpp>
#include <hal/trap.hpp>
#include <hal/upcalls.hpp>
#include <kernel/boot.hpp>
#include <kernel/log.hpp>
#include <klib/assert.hpp>
#include <klib/printk.hpp>

#include <cstdarg>

namespace kernel {

std::atomic<bool> g_panicking{false};

namespace {

void print_backtrace(std::uintptr_t pc, std::uintptr_t fp) {
  klib::printk("backtrace:\n");
  klib::printk("  #0 0x%016lx\n", static_cast<unsigned long>(pc));
  std::uintptr_t ra = 0;
  for (int depth = 1; depth < 32 && hal::unwind_step(fp, ra); ++depth) {
    if (ra == 0) break;
    // The return address points after the call; -4 lands on the call itself
    // so addr2line names the calling line.
    klib::printk("  #%d 0x%016lx\n", depth, static_cast<unsigned long>(ra - 4));
  }
}

[[noreturn]] void stop_machine() {
  // In test and exec modes the harness is waiting for QEMU to exit: give it
  // a failure status. Interactively, keep the report on screen.
  if (boot_options().test_mode || boot_options().exec_command) hal::poweroff(3);
  hal::halt_forever();
}

unsigned this_cpu_or_zero() { return current_cpu_index(); }

}  // namespace

void on_fatal_exception(hal::TrapFrame* frame, const char* cause, std::uint64_t fault_address) {
  hal::irq_disable();
  g_panicking.store(true);
  klib::printk("\n*** KERNEL FAULT on CPU %u: %s\n", this_cpu_or_zero(), cause);
  klib::printk("fault address: 0x%016llx  pc: 0x%016lx\n",
               static_cast<unsigned long long>(fault_address),
               static_cast<unsigned long>(hal::trap_frame_pc(*frame)));
  hal::print_trap_frame(*frame);
  print_backtrace(hal::trap_frame_pc(*frame), hal::trap_frame_fp(*frame));
  stop_machine();
}

}  // namespace kernel

namespace klib {

void panic(const char* fmt, ...) {
  hal::irq_disable();
  kernel::g_panicking.store(true);
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vformat(msg, sizeof msg, fmt, ap);
  va_end(ap);
  printk("\n*** KERNEL PANIC on CPU %u: %s\n", kernel::current_cpu_index(), msg);
  kernel::print_backtrace_here();
  kernel::stop_machine_after_panic();
}

void assert_fail(const char* expr, const char* file, int line) {
  panic("assertion failed: %s at %s:%d", expr, file, line);
}

}  // namespace klib

namespace kernel {

void print_backtrace_here() {
  print_backtrace(reinterpret_cast<std::uintptr_t>(__builtin_return_address(0)),
                  reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0)));
}

void stop_machine_after_panic() { stop_machine(); }

}  // namespace kernel
