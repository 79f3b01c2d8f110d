// The Linux image's console (fusion.image=linux): /bin/sh from the Linux
// initramfs on /dev/console instead of vsh, started by vela_console_run
// after the same namespace bring-up, so the Vela services keep running
// beside it. With fusion.exec the command runs as `/bin/sh -c CMD` (or, in
// an image without /bin/sh, as a program and its space-separated
// arguments) and its status powers the machine off.
#include <fs/init.hpp>
#include <fs/mount.hpp>
#include <fs/vfs.hpp>
#include <klib/printk.hpp>
#if FUSION_CONFIG_MMU
#include <linux_compat/exec.hpp>
#endif

extern "C" int waitpid(int pid, int* status, int options);

namespace {

constexpr int kMaxWords = 32;
constexpr int kSysClone = 220;  // asm-generic

const char* const kEnvp[] = {"HOME=/root",   "PATH=/sbin:/usr/sbin:/bin:/usr/bin",
                             "TERM=vt100",   "USER=root",
                             "LOGNAME=root", nullptr};

bool have_shell() { return fs::stat(fs::kernel_context(), "/bin/sh").ok(); }

// Exit status as a shell reports it: the code, or 128 + the signal.
int run_and_wait(const char* path, const char* const* argv) {
#if FUSION_CONFIG_MMU
  auto pid = linux_compat::spawn(path, argv, kEnvp);
  if (!pid.ok()) {
    klib::printk("linux: cannot start %s: %s\n", path, klib::error_name(pid.error()));
    return pid.error() == klib::Error::NOENT ? 127 : 126;
  }
  int status = 0;
  if (waitpid(*pid, &status, 0) < 0) return 1;
  return (status & 0x7f) ? 128 + (status & 0x7f) : (status >> 8) & 0xff;
#else
  (void)path, (void)argv;
  klib::printk("linux: this board has no MMU, so no Linux user space\n");
  return 127;
#endif
}

// No shell: the command's words, split on spaces, are the program and its
// arguments (the words stay in `line`, which is modified).
int run_words(char* line) {
  const char* argv[kMaxWords + 1] = {};
  int n = 0;
  for (char* p = line; *p && n < kMaxWords;) {
    while (*p == ' ') *p++ = '\0';
    if (!*p) break;
    argv[n++] = p;
    while (*p && *p != ' ') ++p;
  }
  if (n == 0) return 0;
  return run_and_wait(argv[0], argv);
}

}  // namespace

extern "C" int vela_linux_console_run(const char* exec_command) {
  // A tmpfs of its own on /tmp, as Linux systems have (df then shows it:
  // busybox, like Linux tools, skips the initramfs "rootfs").
  if (auto m = fs::mount(fs::kernel_context(), "tmpfs", "/tmp", "tmpfs", nullptr); m.ok())
    (void)fs::chmod(fs::kernel_context(), "/tmp", 01777);
  const bool shell = have_shell();
  if (exec_command) {
    if (shell) {
      const char* argv[] = {"sh", "-c", exec_command, nullptr};
      return run_and_wait("/bin/sh", argv);
    }
    static char line[1024];
    __builtin_strncpy(line, exec_command, sizeof line - 1);
    return run_words(line);
  }
  if (!shell) {
    klib::printk(
        "linux: no /bin/sh in this Linux image (busybox is aarch64 only; tools/setup "
        "fetches it): nothing to run on the console\n");
    return 127;
  }
#if FUSION_CONFIG_MMU
  if (!linux_compat::syscall_implemented(kSysClone))
    klib::printk(
        "linux: clone/fork is not implemented yet: the shell runs builtins and `exec "
        "CMD`; pipelines and external commands fail\n");
#endif
  for (;;) {
    const char* argv[] = {"-sh", nullptr};
    const int code = run_and_wait("/bin/sh", argv);
    klib::printk("linux: /bin/sh exited with status %d; starting a new one\n", code);
  }
}
