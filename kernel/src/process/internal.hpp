// Shared between the process module's files; not a public interface.
#pragma once

#include <kernel/process.hpp>
#include <klib/spinlock.hpp>

namespace kernel::detail {

// Guards the registry, the process tree, thread lists and process states.
// Lock order: a WaitQueue's lock may be held when taking it (wait
// conditions); never wake a queue while holding it.
extern klib::SpinLockIrq g_registry_lock;

using ProcessList = klib::List<Process, &Process::all_link>;
ProcessList& all_processes();

void process_get(Process* p);
void process_put(Process* p);
// The last thread of `p` left: zombie (or freed when autoreaped), children
// reparented, parent woken. Called without the registry lock.
void process_exit(Process* p);

}  // namespace kernel::detail
