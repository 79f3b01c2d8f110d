// /proc/<pid>/{status,stat,cmdline,exe,fd/} for every live or zombie
// process and /proc/self: the process layer's half of procfs (fs/ asks it
// which pids exist and what their files say). stat follows proc(5)'s field
// order so Linux tools (busybox ps, top) parse it.
#include <fs/devfs.hpp>
#include <fs/fdtable.hpp>
#include <fs/procfs.hpp>
#include <fs/vfs.hpp>
#include <kernel/process.hpp>
#if FUSION_CONFIG_MMU
#include <mm/address_space.hpp>
#endif
#include <sched/sched.hpp>
#include <sched/thread.hpp>

namespace kernel {
namespace {

struct PidList {
  int* pids;
  std::size_t max;
  std::size_t n;
};

std::size_t list_pids(int* pids, std::size_t max) {
  PidList l{pids, max, 0};
  for_each_process([&l](const Process& p) {
    if (p.pid == kKernelPid) return;  // the kernel has no directory
    if (l.n < l.max) l.pids[l.n] = static_cast<int>(p.pid);
    ++l.n;
  });
  return l.n;
}

bool pid_exists(int pid) {
  bool found = false;
  for_each_process([&](const Process& p) { found |= pid != kKernelPid && p.pid == pid; });
  return found;
}

// Linux's field names, so tools reading /proc/<pid>/status find what they expect.
void generate_status(fs::ProcBuf& out, int pid) {
  for_each_process([&](const Process& p) {
    if (p.pid != pid) return;
    const bool zombie = p.state == ProcessState::Zombie;
    out.printf("Name:\t%s\n", p.name);
    out.printf("State:\t%s\n", zombie ? "Z (zombie)" : "R (running)");
    out.printf("Tgid:\t%d\nPid:\t%d\n", static_cast<int>(p.pid), static_cast<int>(p.pid));
    out.printf("PPid:\t%d\n", p.parent ? static_cast<int>(p.parent->pid) : 0);
    out.printf("Uid:\t%u\t%u\nGid:\t%u\t%u\n", p.cred.uid, p.cred.euid, p.cred.gid, p.cred.egid);
    out.printf("Threads:\t%u\n", p.live_threads);
    if (p.main_thread && p.main_thread->thread && !zombie) {
      const sched::Thread* t = p.main_thread->thread;
      out.printf("Priority:\t%d\nBasePriority:\t%d\nCpu:\t%d\n", sched::effective_priority(t),
                 sched::base_priority(t), static_cast<int>(t->cpu.load()));
    }
    if (zombie) out.printf("ExitStatus:\t%d\n", p.exit_status);
  });
}

constexpr std::uint64_t kNsPerTick = 10'000'000;  // USER_HZ 100

char state_char(const Process& p) {
  if (p.state == ProcessState::Zombie) return 'Z';
  bool running = false;
  p.threads.for_each([&running](ProcessThread* t) {
    if (!t->thread || t->exited.load(std::memory_order_relaxed)) return;
    const auto st = t->thread->state.load(std::memory_order_relaxed);
    running |= st == sched::ThreadState::Running || st == sched::ThreadState::Runnable;
  });
  return running ? 'R' : 'S';
}

void generate_stat(fs::ProcBuf& out, int pid) {
  for_each_process([&](const Process& p) {
    if (p.pid != pid) return;
    std::uint64_t runtime = 0;
    int nice = 0, rt = -1, cpu = 0;
    unsigned policy = 0;  // SCHED_OTHER
    p.threads.for_each([&runtime](ProcessThread* t) {
      if (t->thread) runtime += t->thread->runtime_ns;
    });
    if (p.main_thread && p.main_thread->thread && p.state != ProcessState::Zombie) {
      const sched::Thread* t = p.main_thread->thread;
      nice = t->nice;
      rt = sched::base_priority(t);
      cpu = static_cast<int>(t->cpu.load());
      policy = t->base_policy == sched::Policy::Fifo         ? 1
               : t->base_policy == sched::Policy::RoundRobin ? 2
               : t->base_policy == sched::Policy::Idle       ? 5
                                                             : 0;
    }
    const int priority = rt >= 0 ? -1 - rt : 20 + nice;
#if FUSION_CONFIG_MMU
    const std::uint64_t rss = p.address_space ? p.address_space->resident_pages() : 0;
#else
    const std::uint64_t rss = 0;  // no user address spaces without an MMU
#endif
    out.printf(
        "%d (%s) %c %d %d %d 0 -1 0 0 0 0 0 %llu 0 0 0 %d %d %u 0 %llu 0 %llu "
        "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 %d %d %u 0 0 0 0 0 0 0 0 0 0 %d\n",
        static_cast<int>(p.pid), p.name, state_char(p),
        p.parent ? static_cast<int>(p.parent->pid) : 0, static_cast<int>(p.pgid),
        static_cast<int>(p.sid), static_cast<unsigned long long>(runtime / kNsPerTick), priority,
        nice, p.live_threads, static_cast<unsigned long long>(p.start_ns / kNsPerTick),
        static_cast<unsigned long long>(rss), cpu, rt >= 0 ? rt : 0, policy,
        p.state == ProcessState::Zombie ? p.exit_status : 0);
  });
}

// argv as NUL-terminated strings (the exec record after its path).
void generate_cmdline(fs::ProcBuf& out, int pid) {
  for_each_process([&](const Process& p) {
    if (p.pid != pid || !p.exec_info || p.state == ProcessState::Zombie) return;
    const std::size_t path_len = __builtin_strlen(p.exec_info) + 1;
    out.append(p.exec_info + path_len, p.exec_info_len - path_len);
  });
}

// The link target: empty (readlink gives ENOENT) for a Vela task or the kernel.
void generate_exe(fs::ProcBuf& out, int pid) {
  for_each_process([&](const Process& p) {
    if (p.pid == pid && p.exec_info && p.state != ProcessState::Zombie)
      out.append(p.exec_info, __builtin_strlen(p.exec_info));
  });
}

int self_pid() { return static_cast<int>(current_pid()); }

// A process's descriptor table can only be read safely from inside it
// (another process's table goes away, without a lock, when it exits), so
// fd/ of other processes is EACCES.
long list_fds(int pid, int* fds, std::size_t max) {
  if (pid != self_pid()) return -static_cast<long>(klib::Error::ACCES);
  fs::FsContext& ctx = process_files(current_process());
  if (!ctx.fds) return 0;
  long n = 0;
  for (int fd = 0; fd < fs::kMaxFds; ++fd) {
    auto f = ctx.fds->get(fd);
    if (!f.ok()) continue;
    fs::file_put(*f);
    if (fds && static_cast<std::size_t>(n) < max) fds[n] = fd;
    ++n;
  }
  return n;
}

// /dev/NAME of a device node, searched by identity in devfs.
bool device_name(fs::Vnode* v, fs::ProcBuf& out) {
  auto sb = fs::devfs_instance();
  if (!sb.ok() || !(*sb)->root || !(*sb)->root->ops->readdir) return false;
  fs::Vnode* root = (*sb)->root;
  fs::DirEntry e;
  std::uint64_t cookie = 0;
  while (true) {
    auto more = root->ops->readdir(root, &cookie, &e);
    if (!more.ok() || !*more) return false;
    const fs::Name n{e.name, __builtin_strlen(e.name)};
    if (n.is(".") || n.is("..")) continue;
    auto found = root->ops->lookup(root, n);
    if (!found.ok()) continue;
    const bool same = *found == v;
    fs::vnode_put(*found);
    if (same) {
      out.printf("/dev/%s", e.name);
      return true;
    }
  }
}

// What Linux shows: a directory's path, pipe:[ino] for pipes and FIFOs,
// /dev/NAME for devices. The VFS keeps no name for a regular file's vnode,
// so those show as the filesystem and inode ("tmpfs:[ino]").
bool fd_target(int pid, int fd, fs::ProcBuf& out) {
  if (pid != self_pid()) return false;
  fs::FsContext& ctx = process_files(current_process());
  if (!ctx.fds) return false;
  auto f = ctx.fds->get(fd);
  if (!f.ok()) return false;
  fs::Vnode* v = (*f)->vnode;
  const bool ok = true;
  if (!v) {
    out.printf("anon_inode:[unknown]");
  } else if (v->type == fs::VType::Directory) {
    char* buf = static_cast<char*>(fs::alloc(fs::kPathMax));
    auto n = buf ? fs::dir_path(ctx, v, buf, fs::kPathMax)
                 : klib::Result<std::size_t>(klib::Err(klib::Error::NOMEM));
    if (n.ok())
      out.append(buf, *n);
    else  // not reachable from the root by name (a /proc directory)
      out.printf("%s:[%llu]", v->sb ? v->sb->fstype : "anon_inode",
                 static_cast<unsigned long long>(v->ino));
    fs::free(buf);
  } else if (v->type == fs::VType::Fifo) {
    out.printf("pipe:[%llu]", static_cast<unsigned long long>(v->ino));
  } else if ((v->type == fs::VType::CharDev || v->type == fs::VType::BlockDev) &&
             device_name(v, out)) {
  } else {
    out.printf("%s:[%llu]", v->sb ? v->sb->fstype : "anon_inode",
               static_cast<unsigned long long>(v->ino));
  }
  fs::file_put(*f);
  return ok;
}

const fs::ProcPidEntry kEntries[] = {
    {"status", generate_status},
    {"stat", generate_stat},
    {"cmdline", generate_cmdline},
    {"exe", generate_exe, fs::ProcEntryKind::Symlink},
    {"fd", nullptr, fs::ProcEntryKind::FdDir},
};
const fs::ProcPidProvider kProvider = {list_pids, pid_exists, kEntries, 5,
                                       self_pid,  list_fds,   fd_target};

}  // namespace

void process_procfs_init() { fs::procfs_set_pid_provider(&kProvider); }

}  // namespace kernel
