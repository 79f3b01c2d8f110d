// Lets a test provoke a synchronous exception (a write to kernel text, a
// stack overflow into the guard page) and continue: the trap handler asks
// kernel::on_expected_fault, which redirects the return to a longjmp back
// into run_expecting_fault. GCC's __builtin_setjmp/longjmp need no libc.
#include <hal/trap.hpp>
#include <hal/upcalls.hpp>
#include <kernel/ktest.hpp>

namespace {

struct Expectation {
  void* jmpbuf[5];  // __builtin_setjmp: [0] fp, [1] resume address, [2] sp
  bool armed = false;
  std::uint64_t fault_address = 0;
};

// One test runs at a time (the runner is a single thread), so one slot.
Expectation* volatile g_expectation = nullptr;

extern "C" [[noreturn, gnu::noinline]] void ktest_fault_resume() {
  __builtin_longjmp(g_expectation->jmpbuf, 1);
}

}  // namespace

namespace kernel {

bool on_expected_fault(hal::TrapFrame* frame, std::uint64_t fault_address) {
  Expectation* e = g_expectation;
  if (!e || !e->armed) return false;
  e->armed = false;
  e->fault_address = fault_address;
  // Resume in ktest_fault_resume on the stack run_expecting_fault was using,
  // which is valid even when the fault was a stack overflow.
  hal::trap_frame_set_sp(*frame, reinterpret_cast<std::uintptr_t>(e->jmpbuf[2]));
  hal::trap_frame_set_pc(*frame, reinterpret_cast<std::uintptr_t>(&ktest_fault_resume));
  return true;
}

}  // namespace kernel

namespace ktest {

bool run_expecting_fault(void (*fn)(void*), void* arg, std::uint64_t* fault_address) {
  Expectation e;
  g_expectation = &e;
  if (__builtin_setjmp(e.jmpbuf) == 0) {
    e.armed = true;
    fn(arg);
    e.armed = false;
    g_expectation = nullptr;
    return false;
  }
  g_expectation = nullptr;
  if (fault_address) *fault_address = e.fault_address;
  return true;
}

}  // namespace ktest
