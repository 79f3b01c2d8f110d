// Kernel bring-up of the filesystem namespace (fs/src/kernel/init_root.cpp).
#pragma once

#include <fs/path.hpp>
#include <klib/result.hpp>

namespace fs {

// Mounts tmpfs at /, devfs at /dev, procfs at /proc, creates /tmp, registers
// /dev/console, /dev/urandom and the kernel's /proc files, and unpacks the
// initrd named by /chosen/linux,initrd-start/-end. Call once from
// kernel_main after sched::init_boot_cpu (needs threads and the heap).
// Idempotent: later calls return the first result.
klib::Result<void> init_root();

// The kernel's own context (root cwd, a descriptor table) for kernel threads,
// the monitor and KTEST. Valid after init_root.
FsContext& kernel_context();

}  // namespace fs
