// Shared by task.cpp and spawn.cpp: create_task, the one path that starts a
// Vela task, with the spawn attributes the child applies to itself first.
#pragma once

#include "pthread_internal.hpp"

namespace vela {

// What a spawned child does before its main runs (posix_spawn attributes
// and file actions).
struct TaskSpawn {
  bool set_mask = false;  // POSIX_SPAWN_SETSIGMASK
  std::uint64_t mask = 0;
  // Runs on the child (its own descriptor table); returns 0 or a
  // klib::Error value. On an error the child exits with status 127 without
  // running main and create_task reaps it and fails with that error.
  int (*setup)(const void* ctx) = nullptr;
  const void* ctx = nullptr;
};

// Starts a task: process `name` (argv[0] = argv0, or name when null; `argv`
// follows, NULL-terminated) running entry at policy/priority. With `spawn`
// the call returns only after the child ran its setup. The new pid, or
// INVAL (bad entry/policy/priority), NOMEM, or the setup's error.
klib::Result<int> create_task(const char* name, const char* argv0, int (*entry)(int, char**),
                              char* const argv[], int policy, int priority, const TaskSpawn* spawn);

}  // namespace vela
