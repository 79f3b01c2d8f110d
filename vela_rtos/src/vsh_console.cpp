// The Vela image's console: brings up the filesystem namespace, opens
// /dev/console as descriptors 0-2 and runs vsh as a task on it. kernel_main
// calls vela_console_run instead of the kernel monitor (fusion.image=vela,
// the default; fusion.image=monitor keeps the monitor).
#include <fs/fdtable.hpp>
#include <fs/init.hpp>
#include <fs/vfs.hpp>
#include <kernel/boot.hpp>
#include <kernel/console.hpp>
#include <kernel/process.hpp>
#include <klib/printk.hpp>

#include <cstddef>

extern "C" int vsh_main(int argc, char** argv);
extern "C" int task_create(const char* name, int priority, int stack_size,
                           int (*entry)(int, char**), char* const argv[]);
extern "C" int waitpid(int pid, int* status, int options);
extern "C" int vela_linux_console_run(const char* exec_command);  // linux_console.cpp

namespace {

constexpr int kVshPriority = 100;  // NuttX's nsh default
constexpr int kVshStack = 16384;

// Descriptors 0, 1 and 2 of the kernel context on /dev/console; every task
// started from here inherits copies.
bool open_stdio() {
  fs::FsContext& ctx = fs::kernel_context();
  for (int fd = 0; fd < 3; ++fd) {
    if (auto f = ctx.fds->get(fd)) {
      fs::file_put(*f);
      continue;
    }
    auto r = fs::open(ctx, "/dev/console", fs::oflag::RDWR);
    if (!r || *r != fd) {
      klib::printk("vsh: cannot open /dev/console as fd %d\n", fd);
      return false;
    }
  }
  return true;
}

}  // namespace

// picolibc's stdin/stdout (vela_rtos/src/runtime/stdio.c) through
// descriptors 0 and 1, so redirections apply to applications' stdio too.
// Before the namespace exists (or with fd 1 closed) output still reaches
// the console. Strong versions of the runtime's weak console hooks.
extern "C" void vela_console_write(const char* s, std::size_t n) {
  fs::FsContext& ctx = kernel::process_files(kernel::current_process());
  if (ctx.fds && fs::write(ctx, 1, s, n).ok()) return;
  console::write(s, n);
}

extern "C" int vela_console_getc() {
  fs::FsContext& ctx = kernel::process_files(kernel::current_process());
  unsigned char c;
  if (ctx.fds) {
    auto r = fs::read(ctx, 0, &c, 1);
    if (r.ok()) return *r == 1 ? c : -1;
  }
  return static_cast<unsigned char>(console::read_char());
}

// Interactive (exec_command == nullptr): never returns, vsh is restarted if
// it exits. With a command: vsh -c runs it; returns its exit status. The
// Linux image (fusion.image=linux) runs /bin/sh instead (linux_console.cpp).
extern "C" int vela_console_run(const char* exec_command) {
  if (!fs::init_root() || !open_stdio()) return 1;
  if (__builtin_strcmp(kernel::boot_options().image, "linux") == 0) {
    // Without an MMU there is no Linux user space: say so here, and the
    // Linux console (its 1 KiB command buffer included) stays out of the
    // image, which matters on mps2-an385 (docs/footprint.md).
    if constexpr (!FUSION_CONFIG_MMU) {
      klib::printk("linux: this board has no MMU, so no Linux user space\n");
      return 127;
    }
    return vela_linux_console_run(exec_command);
  }
  for (;;) {
    char dash_c[] = "-c";
    char* argv[] = {dash_c, const_cast<char*>(exec_command), nullptr};
    const int pid =
        task_create("vsh", kVshPriority, kVshStack, vsh_main, exec_command ? argv : argv + 2);
    if (pid < 0) {
      klib::printk("vsh: task_create failed\n");
      return 1;
    }
    int status = 0;
    if (waitpid(pid, &status, 0) < 0) return 1;
    const int code = (status >> 8) & 0xff;
    if (exec_command) return code;
    klib::printk("vsh exited with status %d; starting a new one\n", code);
  }
}
