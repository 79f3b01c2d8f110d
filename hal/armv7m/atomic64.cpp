// 64-bit atomics for a CPU without LDREXD/STREXD (ARMv7-M): GCC calls these
// libatomic entry points for std::atomic<std::uint64_t>. With one core,
// masking every interrupt (PRIMASK, so also in handlers) around the access
// makes it atomic; faults cannot interleave with it.
#include <cstdint>

namespace {

using u64 = std::uint64_t;

struct IrqsOff {
  std::uint32_t primask;
  IrqsOff() { asm volatile("mrs %0, primask\n cpsid i" : "=r"(primask)::"memory"); }
  ~IrqsOff() { asm volatile("msr primask, %0" ::"r"(primask) : "memory"); }
};

template <typename Op>
u64 fetch_op(volatile u64* p, Op op) {
  IrqsOff off;
  const u64 old = *p;
  *p = op(old);
  return old;
}

}  // namespace

extern "C" {

u64 __atomic_load_8(const volatile void* p, int) {
  IrqsOff off;
  return *static_cast<const volatile u64*>(p);
}

void __atomic_store_8(volatile void* p, u64 v, int) {
  IrqsOff off;
  *static_cast<volatile u64*>(p) = v;
}

u64 __atomic_exchange_8(volatile void* p, u64 v, int) {
  return fetch_op(static_cast<volatile u64*>(p), [v](u64) { return v; });
}

bool __atomic_compare_exchange_8(volatile void* p, void* expected, u64 desired, bool, int, int) {
  IrqsOff off;
  auto* q = static_cast<volatile u64*>(p);
  auto* e = static_cast<u64*>(expected);
  if (*q == *e) {
    *q = desired;
    return true;
  }
  *e = *q;
  return false;
}

u64 __atomic_fetch_add_8(volatile void* p, u64 v, int) {
  return fetch_op(static_cast<volatile u64*>(p), [v](u64 o) { return o + v; });
}
u64 __atomic_fetch_sub_8(volatile void* p, u64 v, int) {
  return fetch_op(static_cast<volatile u64*>(p), [v](u64 o) { return o - v; });
}
u64 __atomic_fetch_and_8(volatile void* p, u64 v, int) {
  return fetch_op(static_cast<volatile u64*>(p), [v](u64 o) { return o & v; });
}
u64 __atomic_fetch_or_8(volatile void* p, u64 v, int) {
  return fetch_op(static_cast<volatile u64*>(p), [v](u64 o) { return o | v; });
}
u64 __atomic_fetch_xor_8(volatile void* p, u64 v, int) {
  return fetch_op(static_cast<volatile u64*>(p), [v](u64 o) { return o ^ v; });
}

}  // extern "C"
