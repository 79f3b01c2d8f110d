// Thread-local storage and FP state for threads that run application code
// (runtime.hpp: run_app). The TLS layout follows the local-exec model the
// linker resolved: aarch64 (variant I, 16-byte TCB) puts the data at
// tp + align_up(16, p_align), 32-bit Arm (8-byte TCB) at tp + align_up(8,
// p_align); riscv64 (TCB size 0) at tp itself.
#include <hal/context.hpp>
#include <sched/sched.hpp>

#include <cstdint>

#include "runtime.hpp"

extern "C" {
// hal/<arch>/kernel.ld: the .tdata template and the .tbss extent.
extern char __tdata_start[], __tdata_end[], __tbss_start[], __tbss_end[];
extern char __tls_align[];  // absolute: the PT_TLS alignment
void vela_stdio_flush_thread();
}

namespace vela::runtime {
namespace {

// An absolute linker symbol cannot be reached PC-relatively; a data word
// with an absolute relocation can.
const std::uintptr_t g_tls_align_sym = reinterpret_cast<std::uintptr_t>(__tls_align);

constexpr std::uintptr_t align_up(std::uintptr_t v, std::uintptr_t a) {
  return (v + a - 1) & ~(a - 1);
}

struct Layout {
  std::size_t align;        // of the block start (tp)
  std::size_t data_offset;  // tp -> first TLS byte
  std::size_t tdata_size;
  std::size_t tbss_offset;  // from the first TLS byte
  std::size_t tbss_size;
  std::size_t size;  // whole block from tp
};

Layout layout() {
  Layout l{};
  l.align = g_tls_align_sym > 16 ? g_tls_align_sym : 16;
#if defined(__aarch64__)
  l.data_offset = align_up(16, l.align);
#elif defined(__arm__)
  l.data_offset = align_up(8, l.align);  // variant I, 8-byte TCB
#else
  l.data_offset = 0;
#endif
  l.tdata_size = static_cast<std::size_t>(__tdata_end - __tdata_start);
  l.tbss_offset = static_cast<std::size_t>(__tbss_start - __tdata_start);
  l.tbss_size = static_cast<std::size_t>(__tbss_end - __tbss_start);
  l.size = l.data_offset + l.tbss_offset + l.tbss_size;
  return l;
}

std::uintptr_t read_thread_pointer() {
  return reinterpret_cast<std::uintptr_t>(__builtin_thread_pointer());
}

}  // namespace

std::size_t app_state_bytes() {
  const Layout l = layout();
  return sizeof(hal::FpState) + alignof(hal::FpState) + l.size + l.align;
}

bool thread_has_tls() { return read_thread_pointer() != 0; }

void flush_thread_stdio() {
  if (thread_has_tls()) vela_stdio_flush_thread();
}

void* run_app(void* (*fn)(void*), void* arg) {
  const Layout l = layout();
  // One stack allocation for both; it lives exactly as long as fn runs.
  auto* raw = static_cast<char*>(__builtin_alloca(app_state_bytes()));
  auto* fp = reinterpret_cast<hal::FpState*>(
      align_up(reinterpret_cast<std::uintptr_t>(raw), alignof(hal::FpState)));
  auto* block =
      reinterpret_cast<char*>(align_up(reinterpret_cast<std::uintptr_t>(fp + 1), l.align));
  __builtin_memset(block, 0, l.data_offset + l.tbss_offset);  // TCB and padding
  __builtin_memcpy(block + l.data_offset, __tdata_start, l.tdata_size);
  __builtin_memset(block + l.data_offset + l.tbss_offset, 0, l.tbss_size);

  sched::Thread* self = sched::current();
  hal::context_attach_current(&self->ctx, reinterpret_cast<std::uintptr_t>(block), fp);
  void* result = fn(arg);
  flush_thread_stdio();
  hal::context_detach_current(&self->ctx);
  return result;
}

}  // namespace vela::runtime
