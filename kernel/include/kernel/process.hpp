// The process object shared by both personalities: a task group with a pid,
// parent/children bookkeeping, zombies until reaped (waitpid), its threads,
// credentials, an address space handle, an fd table and signal state. A Vela
// task is a Process with one thread in the kernel address space; pthreads add
// threads. Threads and processes draw ids from one space (as in NuttX and
// Linux: a task's pid is its main thread's tid). pid 0 is the kernel itself.
#pragma once

#include <fs/path.hpp>
#include <kernel/signal.hpp>
#include <klib/list.hpp>
#include <klib/result.hpp>
#include <sched/sched.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace mm {
class AddressSpace;  // nullptr = the kernel address space (Vela flat build)
}
namespace hal {
struct TrapFrame;
}

namespace kernel {

using Pid = int;

inline constexpr Pid kKernelPid = 0;
// Ids 1..kMaxPid, reused only after wrapping; FUSION_MAX_PID + 1 must be a
// multiple of 64 (the id bitmap's words).
#ifndef FUSION_MAX_PID
#define FUSION_MAX_PID 4095
#endif
inline constexpr Pid kMaxPid = FUSION_MAX_PID;
inline constexpr std::size_t kProcessNameMax = 32;

struct Credentials {
  std::uint32_t uid = 0, gid = 0, euid = 0, egid = 0;
};

struct Process;

// One thread of a process. Holds the sched::Thread (joined when the record
// is freed, so `thread` stays valid while a reference is held) and a
// personality pointer (the Vela TCB, later a Linux thread).
struct ProcessThread {
  Pid tid = 0;
  sched::Thread* thread = nullptr;
  Process* process = nullptr;
  void* personality = nullptr;
  std::atomic<int> refs{0};
  std::atomic<bool> exited{false};  // set under the registry lock
  bool detached = false;
  bool joining = false;
  int exit_code = 0;
  sched::WaitQueue exit_waiters;  // joiners
  klib::ListNode link;            // Process::threads
  ThreadSignals signals;          // mask, queued instances (kernel/signal.hpp)
  void (*start_fn)(void*) = nullptr;
  void* start_arg = nullptr;
  // Frees `personality`; called once when the record itself is freed.
  void (*release_personality)(ProcessThread*) = nullptr;
  hal::FpState* user_fp = nullptr;  // FP registers of a user-mode thread (kernel/user.hpp)
};

enum class ProcessState : std::uint8_t { Running, Zombie };

struct Process {
  Pid pid = 0;
  ProcessState state = ProcessState::Running;
  char name[kProcessNameMax] = {};
  Process* parent = nullptr;
  klib::ListNode sibling_link;  // parent->children
  klib::List<Process, &Process::sibling_link> children;
  klib::List<ProcessThread, &ProcessThread::link> threads;  // live and unjoined
  unsigned live_threads = 0;
  int exit_status = 0;  // valid once Zombie; encoded as wait() status by waitpid
  bool exit_signalled = false;
  int exit_signal = 0;
  sched::WaitQueue child_waiters;  // parent side of waitpid

  Credentials cred;
  // Process group and session (job control: a terminal's signal characters
  // go to its foreground group). Inherited from the parent; the kernel
  // process is group 0, session 0.
  Pid pgid = 0;
  Pid sid = 0;
  mm::AddressSpace* address_space = nullptr;
  std::uint64_t start_ns = 0;  // sched::uptime_ns() at creation (/proc/<pid>/stat)
  // What a Linux program was started as, for /proc/<pid>/exe and cmdline:
  // the path, NUL, then each argv string NUL-terminated (process_set_exec_info;
  // inherited by children, null for Vela tasks).
  char* exec_info = nullptr;
  std::size_t exec_info_len = 0;
  // User-mode processes (kernel/user.hpp): the personality's system call
  // entry, and how many threads still use the address space.
  void (*user_syscall)(hal::TrapFrame* frame) = nullptr;
  std::atomic<unsigned> user_threads{0};
  // Root, working directory and descriptor table. A child starts with a copy
  // of its parent's (descriptors duplicated, as NuttX task groups do); the
  // descriptors are closed when the last thread exits, so pipe peers see EOF
  // without waiting for waitpid. The kernel process uses fs::kernel_context().
  fs::FsContext files;
  SignalState signals;          // actions, process-directed instances (kernel/signal.hpp)
  void* personality = nullptr;  // Vela task data (argv, group exit hooks)
  void (*release_personality)(Process*) = nullptr;  // called when the process is freed
  // Called (without locks) when the last thread left; returning true keeps
  // the process alive instead of exiting it (task_restart spawns a new main
  // thread from here after resetting main_thread).
  bool (*on_last_thread_exit)(Process*) = nullptr;
  ProcessThread* main_thread = nullptr;
  bool group_exiting = false;  // exit() called: exit_status is fixed
  // Sent to the parent when this process exits (Linux clone's exit signal,
  // SIGCHLD for fork); 0: none.
  int parent_exit_signal = 0;
  bool autoreap = false;     // orphaned: freed on exit instead of becoming a zombie
  std::atomic<int> refs{1};  // unreaped + one per thread record

  klib::ListNode all_link;  // global registry
};

// --- processes ----------------------------------------------------------------
// pid 0: the kernel. Threads not created through this module (the boot flow,
// kernel workers, the monitor) belong to it.
Process* kernel_process();
// New process, child of `parent` (kernel_process() when nullptr), no threads
// yet, credentials inherited. NOMEM, AGAIN when no pid is free.
klib::Result<Process*> process_create(const char* name, Process* parent);
// Records `path` and `argv` (NULL-terminated) as what `p` runs now; NOMEM
// leaves the old record.
klib::Result<void> process_set_exec_info(Process* p, const char* path, const char* const* argv);
// Frees a process that never got a thread (creation failed half-way).
void process_abandon(Process* p);
// Forgets the main thread (task_restart: the next thread_spawn becomes the
// main thread again and reuses the pid as its tid).
void process_reset_main_thread(Process* p);
// The caller's process (kernel_process() for kernel threads).
Process* current_process();
// The filesystem context of `p` (fs::kernel_context() for the kernel).
fs::FsContext& process_files(Process* p);
Pid current_pid();

// Calls fn for every live or zombie process under the registry lock (fn must
// not block).
void for_each_process(void (*fn)(const Process&, void*), void* ctx);
template <typename Fn>
void for_each_process(Fn&& fn) {
  for_each_process(
      [](const Process& p, void* c) { (*static_cast<std::remove_reference_t<Fn>*>(c))(p); },
      const_cast<void*>(static_cast<const void*>(&fn)));
}
std::size_t process_count();
// setpgid(2): moves `pid` (0: the caller) into group `pgid` (0: its own pid)
// within its session. SRCH no such process, PERM another session or a
// session leader, INVAL pgid < 0.
klib::Result<void> process_set_group(Pid pid, Pid pgid);
// setsid(2): the caller's process leads a new session and group; PERM when
// it already leads a group.
klib::Result<Pid> process_new_session();
// getpgid(2) / getsid(2): of `pid` (0: the caller); SRCH when none.
klib::Result<Pid> process_group_of(Pid pid);
klib::Result<Pid> process_session_of(Pid pid);
// Installs /proc/<pid>/status (after fs::init_root).
void process_procfs_init();

// --- threads ------------------------------------------------------------------
struct ThreadParams {
  const char* name = "thread";
  int priority = sched::kDefaultPriority;
  sched::Policy policy = sched::Policy::RoundRobin;
  int cpu = -1;
  bool detached = false;
  void* personality = nullptr;
};
// Starts a thread in `p` running fn(arg). The first thread becomes the main
// thread. The record is returned with one extra reference held for the
// caller (drop it with thread_put).
klib::Result<ProcessThread*> thread_spawn(Process* p, const ThreadParams& params, void (*fn)(void*),
                                          void* arg);
// The caller's record, or nullptr for kernel threads.
ProcessThread* current_thread();
// Finds a live or unjoined thread by tid and takes a reference; nullptr if
// none. Threads of every process are searched (NuttX ids are global).
ProcessThread* thread_get(Pid tid);
void thread_put(ProcessThread* t);
// The calling thread leaves its process. The last thread to leave turns the
// process into a zombie with `status` (exit code) and wakes the parent.
// `group_exit` records `status` as the process's exit status even if other
// threads remain (exit() from any thread). Never returns.
[[noreturn]] void thread_exit_current(int status, bool group_exit);
// exit_group from a multi-threaded process: fixes the process's exit status
// (unless an exit already did) and sends `signo` (SIGKILL) to every other
// live thread of the caller's process; they leave with that status (user
// threads via user_exit_signalled). The caller then exits itself.
void process_kill_other_threads(int status, int signo);
// Waits until `t` exits (interruptible by `cancelled`, checked under the wait
// queue lock; may be nullptr), then reaps it. INVAL if it is detached or
// already being joined, DEADLK for joining oneself, INTR when cancelled.
klib::Result<void> thread_join(ProcessThread* t, bool (*cancelled)(void*), void* ctx);
klib::Result<void> thread_detach(ProcessThread* t);

// --- waiting for children -----------------------------------------------------
inline constexpr int kWaitNoHang = 1;  // WNOHANG
// Waits for a child of the caller's process: pid > 0 that child, pid == -1
// any. Returns the reaped pid with its wait status in *status (exit code <<
// 8, or the signal number when exit_signalled), or 0 with WNOHANG when none
// has exited. CHILD when there is no such
// child, INVAL for other pid values/options, INTR when `cancelled` fires.
klib::Result<Pid> wait_child(Pid pid, int* status, int options, bool (*cancelled)(void*) = nullptr,
                             void* ctx = nullptr);

// --- ids ------------------------------------------------------------------------
// The id allocator (exposed for KTEST): lowest free id above the last one
// handed out, wrapping; AGAIN when all kMaxPid are in use.
klib::Result<Pid> pid_alloc();
void pid_free(Pid pid);
std::size_t pids_in_use();

}  // namespace kernel
