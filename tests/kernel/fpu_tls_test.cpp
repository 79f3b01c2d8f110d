// KTEST: per-thread FP registers and thread pointer (hal::context_attach_current)
// survive context switches: two FP threads and a plain kernel thread share
// one CPU, switching by yield and by round-robin timer preemption, and each
// FP thread finds its own 32 FP registers and thread pointer afterwards.
#include <hal/context.hpp>
#include <kernel/ktest.hpp>
#include <sched/sched.hpp>

#include <atomic>
#include <cstdint>

// fpu_test_fill(const uint64_t v[64]) loads every FP register from v (full
// 128-bit q registers on aarch64, 64-bit f registers on riscv64);
// fpu_test_dump(uint64_t v[64]) stores them back. Written in assembly: the
// kernel's C++ never touches FP registers itself.
#if defined(__aarch64__)
asm(R"(
  .pushsection .text.fpu_test, "ax"
  .arch armv8-a+fp+simd
  .global fpu_test_fill
fpu_test_fill:
  ldp q0, q1, [x0], #32
  ldp q2, q3, [x0], #32
  ldp q4, q5, [x0], #32
  ldp q6, q7, [x0], #32
  ldp q8, q9, [x0], #32
  ldp q10, q11, [x0], #32
  ldp q12, q13, [x0], #32
  ldp q14, q15, [x0], #32
  ldp q16, q17, [x0], #32
  ldp q18, q19, [x0], #32
  ldp q20, q21, [x0], #32
  ldp q22, q23, [x0], #32
  ldp q24, q25, [x0], #32
  ldp q26, q27, [x0], #32
  ldp q28, q29, [x0], #32
  ldp q30, q31, [x0], #32
  ret
  .global fpu_test_dump
fpu_test_dump:
  stp q0, q1, [x0], #32
  stp q2, q3, [x0], #32
  stp q4, q5, [x0], #32
  stp q6, q7, [x0], #32
  stp q8, q9, [x0], #32
  stp q10, q11, [x0], #32
  stp q12, q13, [x0], #32
  stp q14, q15, [x0], #32
  stp q16, q17, [x0], #32
  stp q18, q19, [x0], #32
  stp q20, q21, [x0], #32
  stp q22, q23, [x0], #32
  stp q24, q25, [x0], #32
  stp q26, q27, [x0], #32
  stp q28, q29, [x0], #32
  stp q30, q31, [x0], #32
  ret
  .popsection
)");
#elif defined(__riscv)
asm(R"(
  .pushsection .text.fpu_test, "ax"
  .global fpu_test_fill
fpu_test_fill:
  .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  fld f\n, \n*8(a0)
  .endr
  ret
  .global fpu_test_dump
fpu_test_dump:
  .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  fsd f\n, \n*8(a0)
  .endr
  ret
  .popsection
)");
#endif

extern "C" void fpu_test_fill(const std::uint64_t* v);
extern "C" void fpu_test_dump(std::uint64_t* v);

namespace {

#if defined(__aarch64__)
constexpr int kWords = 64;
std::uintptr_t read_tp() {
  std::uintptr_t v;
  asm volatile("mrs %0, tpidr_el0" : "=r"(v));
  return v;
}
#else
constexpr int kWords = 32;
std::uintptr_t read_tp() {
  std::uintptr_t v;
  asm volatile("mv %0, tp" : "=r"(v));
  return v;
}
#endif

std::atomic<int> g_started{0};

// All three threads are on the CPU before anyone counts switches, so each
// yield really hands the CPU to a peer.
void start_barrier() {
  g_started.fetch_add(1);
  while (g_started.load() < 3) sched::yield();
}

struct FpArg {
  std::uint64_t seed;
  bool regs_ok = false;
  bool tp_ok = false;
  std::uint64_t switches = 0;
};

void fp_thread(void* p) {
  auto* a = static_cast<FpArg*>(p);
  hal::FpState state;
  sched::Thread* self = sched::current();
  const std::uintptr_t tp = 0x7000'0000'0000ull + a->seed * 0x1000;
  hal::context_attach_current(&self->ctx, tp, &state);
  std::uint64_t v[64];
  for (int i = 0; i < kWords; ++i) v[i] = a->seed * 0x0101'0101'0000ull + static_cast<unsigned>(i);
  fpu_test_fill(v);
  start_barrier();
  const std::uint64_t in0 = self->switches_in;
  for (int i = 0; i < 50; ++i) sched::yield();
  // Busy phase: the equal-priority peers are switched by RR slice expiry.
  const std::uint64_t end = sched::uptime_ns() + 60'000'000;
  while (sched::uptime_ns() < end) {
  }
  std::uint64_t out[64];
  fpu_test_dump(out);
  a->regs_ok = true;
  for (int i = 0; i < kWords; ++i) a->regs_ok = a->regs_ok && out[i] == v[i];
  a->tp_ok = read_tp() == tp;
  a->switches = self->switches_in - in0;
  hal::context_detach_current(&self->ctx);
}

// A kernel thread without FP state interleaved with the FP ones (riscv64:
// it runs with sstatus.FS Off; aarch64: it must not disturb their registers).
void plain_thread(void*) {
  start_barrier();
  for (int i = 0; i < 50; ++i) sched::yield();
  const std::uint64_t end = sched::uptime_ns() + 60'000'000;
  while (sched::uptime_ns() < end) {
  }
}

}  // namespace

KTEST(hal, fp_and_thread_pointer_survive_context_switches) {
  g_started = 0;
  const int cpu = static_cast<int>(sched::cpus_online() > 1 ? 1 : 0);
  const int prio = sched::kDefaultPriority + 1;
  FpArg a{.seed = 3}, b{.seed = 11};
  auto ta = sched::thread_create("kt-fp-a", fp_thread, &a, prio, cpu);
  auto tb = sched::thread_create("kt-fp-b", fp_thread, &b, prio, cpu);
  auto tc = sched::thread_create("kt-fp-plain", plain_thread, nullptr, prio, cpu);
  KT_ASSERT(ta.ok() && tb.ok() && tc.ok());
  KT_EXPECT(sched::thread_join(*ta).ok());
  KT_EXPECT(sched::thread_join(*tb).ok());
  KT_EXPECT(sched::thread_join(*tc).ok());
  KT_EXPECT(a.regs_ok);
  KT_EXPECT(b.regs_ok);
  KT_EXPECT(a.tp_ok);
  KT_EXPECT(b.tp_ok);
  // Both were switched out and back in many times (yields and RR slices).
  KT_EXPECT(a.switches >= 50);
  KT_EXPECT(b.switches >= 50);
  // Kernel threads run with no thread pointer.
  KT_EXPECT_EQ(static_cast<long long>(read_tp()), 0);
}
