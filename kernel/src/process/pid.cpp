// Process/thread id allocator: one bitmap for both (a task's pid is its main
// thread's tid). Ids are handed out in increasing order and wrap, so a freed
// id is not reused at once (stale ids in waitpid/pthread_join stay stale).
#include <kernel/process.hpp>
#include <klib/spinlock.hpp>

#include <array>
#include <bit>

namespace kernel {
namespace {

constexpr std::size_t kWords = (kMaxPid + 1) / 64;
static_assert((kMaxPid + 1) % 64 == 0);

klib::SpinLockIrq g_pid_lock;
std::array<std::uint64_t, kWords> g_used{1};  // id 0 (the kernel) is never free
Pid g_last = 0;
std::size_t g_in_use = 1;

bool used(Pid id) { return (g_used[id / 64] >> (id % 64)) & 1; }

}  // namespace

klib::Result<Pid> pid_alloc() {
  klib::SpinGuard guard(g_pid_lock);
  for (Pid n = 1; n <= kMaxPid; ++n) {
    Pid id = g_last + n;
    if (id > kMaxPid) id -= kMaxPid;
    if (!used(id)) {
      g_used[id / 64] |= std::uint64_t{1} << (id % 64);
      g_last = id;
      ++g_in_use;
      return id;
    }
  }
  return klib::Err(klib::Error::AGAIN);
}

void pid_free(Pid pid) {
  if (pid <= 0 || pid > kMaxPid) return;
  klib::SpinGuard guard(g_pid_lock);
  if (!used(pid)) return;
  g_used[pid / 64] &= ~(std::uint64_t{1} << (pid % 64));
  --g_in_use;
}

std::size_t pids_in_use() {
  klib::SpinGuard guard(g_pid_lock);
  return g_in_use;
}

}  // namespace kernel
