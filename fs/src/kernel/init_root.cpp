// fs::init_root: the kernel's namespace bring-up (tmpfs root, /dev, /proc,
// /tmp, kernel devices and /proc files, the initrd) and the kernel's own
// FsContext.
#include <libfdt.h>
#include <fs/cpio.hpp>
#include <fs/devfs.hpp>
#include <fs/init.hpp>
#include <fs/mount.hpp>
#include <fs/vfs.hpp>
#include <hal/mmu.hpp>
#include <kernel/dt.hpp>
#include <klib/printk.hpp>
#include <sched/wait.hpp>

namespace fs {

int register_console_device();
int register_random_devices();
void register_kernel_proc_files();

namespace {

FdTable g_kernel_fds;
FsContext g_kernel_ctx;
sched::Mutex g_init_lock;
bool g_done = false;
klib::Result<void> g_result = klib::ok();

std::uint64_t chosen_addr(const char* name) {
  int len = 0;
  const auto* p = static_cast<const fdt32_t*>(dt::prop(dt::find_path("/chosen"), name, &len));
  if (!p) return 0;
  return len == 8 ? (std::uint64_t{fdt32_to_cpu(p[0])} << 32) | fdt32_to_cpu(p[1])
                  : fdt32_to_cpu(p[0]);
}

void unpack_initrd() {
  const std::uint64_t start = chosen_addr("linux,initrd-start");
  const std::uint64_t end = chosen_addr("linux,initrd-end");
  if (end <= start) return;
  CpioReport rep;
  auto r = cpio_unpack(g_kernel_ctx, hal::phys_to_virt(start), end - start, &rep);
  if (r)
    klib::printk("fs: initrd %llu bytes: %zu files, %zu dirs, %zu symlinks, %zu nodes\n",
                 static_cast<unsigned long long>(end - start), rep.files, rep.dirs, rep.symlinks,
                 rep.nodes);
  else
    klib::printk("fs: initrd rejected at offset %zu: %s (%s)\n", rep.offset,
                 rep.message ? rep.message : "?", klib::error_name(r.error()));
}

klib::Result<void> bring_up() {
  g_kernel_ctx.fds = &g_kernel_fds;
  TRY(mount(g_kernel_ctx, "rootfs", "/", "tmpfs", nullptr));
  for (const char* d : {"/dev", "/tmp"}) TRY(mkdir(g_kernel_ctx, d, 0755));
  TRY(chmod(g_kernel_ctx, "/tmp", 01777));
  TRY(mount(g_kernel_ctx, "devfs", "/dev", "devfs", nullptr));
  if constexpr (FUSION_CONFIG_PROCFS) {  // cmake/kernel.cmake: FUSION_PROCFS
    TRY(mkdir(g_kernel_ctx, "/proc", 0755));
    TRY(mount(g_kernel_ctx, "proc", "/proc", "procfs", nullptr));
  }
  if (const int rc = register_console_device(); rc < 0)
    klib::printk("fs: /dev/console: %s\n", klib::error_name(static_cast<klib::Error>(-rc)));
  if constexpr (FUSION_CONFIG_URANDOM) {  // cmake/kernel.cmake: FUSION_URANDOM
    if (const int rc = register_random_devices(); rc < 0)
      klib::printk("fs: /dev/urandom: %s\n", klib::error_name(static_cast<klib::Error>(-rc)));
  }
  if constexpr (FUSION_CONFIG_PROCFS) register_kernel_proc_files();
  if constexpr (FUSION_CONFIG_INITRD) unpack_initrd();  // FUSION_INITRD
  return klib::ok();
}

}  // namespace

klib::Result<void> init_root() {
  sched::MutexGuard g(g_init_lock);
  if (!g_done) {
    auto r = bring_up();
    if (!r)
      klib::printk("fs: init_root failed: %s\n", klib::error_name(r.error()));
    else
      klib::printk(FUSION_CONFIG_PROCFS ? "fs: root tmpfs, /dev, /proc, /tmp mounted\n"
                                        : "fs: root tmpfs, /dev, /tmp mounted\n");
    // Result has no assignment: rebuild it in place.
    g_result.~Result();
    new (&g_result) klib::Result<void>(r);
    g_done = true;
  }
  return g_result;
}

FsContext& kernel_context() { return g_kernel_ctx; }

}  // namespace fs
