// hal::trap_frame_divert for riscv64: copies the interrupted state into a
// block on the interrupted stack and returns into riscv_divert_trampoline
// (divert.S), which runs the callback and resumes from the copy.
#include <hal/trap.hpp>

#include <cstddef>
#include <cstdint>

extern "C" void riscv_divert_trampoline();

namespace hal {
namespace {

struct DivertBlock {
  TrapFrame saved;  // offset 0: divert.S restores from here
  void (*fn)(void*);
  void* arg;
};
static_assert(offsetof(DivertBlock, fn) == 288 && sizeof(DivertBlock) % 16 == 0);

// Room left for the frames of the callers still to return through (they
// only pop, but stay clear of anything they might spill).
constexpr std::uintptr_t kSlack = 256;

}  // namespace

void trap_frame_divert(TrapFrame& f, void (*fn)(void*), void* arg) {
  std::uintptr_t sp;
  asm volatile("mv %0, sp" : "=r"(sp));
  const std::uintptr_t at = (sp - kSlack - sizeof(DivertBlock)) & ~std::uintptr_t{15};
  auto* b = reinterpret_cast<DivertBlock*>(at);
  b->saved = f;
  b->fn = fn;
  b->arg = arg;
  f.x[10] = at;  // a0
  f.x[2] = at;   // sp
  f.sepc = reinterpret_cast<std::uintptr_t>(&riscv_divert_trampoline);
}

}  // namespace hal
