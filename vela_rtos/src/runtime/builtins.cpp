// The table of builtin applications (FUSION_BUILTIN, section .vela_builtins)
// and a launcher that starts one as a Vela task and waits for it.
#include <sched/sched.hpp>

#include <cstdint>

#include <fusion/builtin.h>
#include "runtime.hpp"

extern "C" const fusion_builtin __vela_builtins_start[], __vela_builtins_end[];

// The task API (vela_rtos/src/task.cpp).
extern "C" int task_create(const char* name, int priority, int stack_size,
                           int (*entry)(int, char**), char* const argv[]);
extern "C" int waitpid(int pid, int* status, int options);

namespace {

bool same(const char* a, const char* b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}

}  // namespace

extern "C" {

int fusion_builtin_count() { return static_cast<int>(__vela_builtins_end - __vela_builtins_start); }

const fusion_builtin* fusion_builtin_at(int index) {
  return index >= 0 && index < fusion_builtin_count() ? &__vela_builtins_start[index] : nullptr;
}

const fusion_builtin* fusion_builtin_find(const char* name) {
  if (!name) return nullptr;
  for (const fusion_builtin* b = __vela_builtins_start; b != __vela_builtins_end; ++b) {
    if (same(b->name, name)) return b;
  }
  return nullptr;
}

}  // extern "C"

namespace vela {

klib::Result<int> start_builtin(const char* name, int argc, char** argv) {
  const fusion_builtin* b = fusion_builtin_find(name);
  if (!b) return klib::Err(klib::Error::NOENT);
  int prio = b->priority;
  if (prio < 1) prio = 1;
  if (prio > sched::kMaxPriority) prio = sched::kMaxPriority;
  // A real Vela task (process, pid, waitpid status): task_create makes the
  // name argv[0] and wants the rest NULL-terminated.
  constexpr int kMaxArgs = 16;
  char* args[kMaxArgs + 1] = {};
  for (int i = 1; i < argc && i <= kMaxArgs; ++i) args[i - 1] = argv[i];
  const int pid = task_create(b->name, prio, b->stacksize, b->main, args);
  if (pid < 0) return klib::Err(klib::Error::NOMEM);
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return klib::Err(klib::Error::CHILD);
  if ((status & 0x7f) != 0) return 128 + (status & 0x7f);  // killed by a signal (shell style)
  return (status >> 8) & 0xff;
}

}  // namespace vela
