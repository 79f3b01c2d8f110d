// /proc/<pid>/status for every live or zombie process: the process layer's
// half of procfs (fs/ asks it which pids exist and what their files say).
#include <fs/procfs.hpp>
#include <kernel/process.hpp>

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

const fs::ProcPidEntry kEntries[] = {{"status", generate_status}};
const fs::ProcPidProvider kProvider = {list_pids, pid_exists, kEntries, 1};

}  // namespace

void process_procfs_init() { fs::procfs_set_pid_provider(&kProvider); }

}  // namespace kernel
