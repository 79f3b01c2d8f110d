// KTEST: a kernel thread that overflows its stack hits the guard page below
// it, and the fault is caught (not a silent corruption of the next page).
#include <kernel/ktest.hpp>
#include <sched/sched.hpp>

namespace {

struct OverflowResult {
  bool faulted = false;
  std::uint64_t fault_address = 0;
  std::uintptr_t stack_base = 0;
};

// Recursion the compiler cannot turn into a loop: each frame keeps a live
// buffer and uses the callee's result.
[[gnu::noinline]] int recurse(volatile int depth) {
  volatile char frame[256];
  frame[0] = static_cast<char>(depth);
  return recurse(depth + 1) + frame[0];
}

void overflow(void*) { recurse(0); }

void overflow_thread(void* arg) {
  auto* result = static_cast<OverflowResult*>(arg);
  result->stack_base = sched::current()->stack_base;
  result->faulted = ktest::run_expecting_fault(overflow, nullptr, &result->fault_address);
}

}  // namespace

KTEST(protection, stack_overflow_hits_guard_page) {
  OverflowResult result;
  auto t = sched::thread_create("overflow", overflow_thread, &result);
  KT_ASSERT(t.ok());
  KT_EXPECT(sched::thread_join(*t).ok());
  KT_EXPECT(result.faulted);
  // The faulting access lies in the page just below the stack.
  KT_EXPECT(result.fault_address < result.stack_base);
  KT_EXPECT(result.fault_address >= result.stack_base - 4096);
}
