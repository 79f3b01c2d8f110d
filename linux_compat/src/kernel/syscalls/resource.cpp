// Resources, accounting and process groups: prlimit64, getrlimit,
// setrlimit, getrusage, times, sysinfo, sched_getaffinity, setpgid,
// getpgid, setsid, getsid.
#include <fs/fdtable.hpp>
#include <fs/procfs.hpp>
#include <kernel/boot.hpp>
#include <kernel/process.hpp>
#include <mm/address_space.hpp>
#include <mm/heap.hpp>
#include <mm/usercopy.hpp>
#include <sched/sched.hpp>

#include "../linux_process.hpp"
#include "syscalls.hpp"

namespace linux_compat {

namespace {

using klib::Error;

constexpr std::uint64_t kInfinity = ~std::uint64_t{0};  // RLIM_INFINITY
constexpr int kRlimitStack = 3, kRlimitCore = 4, kRlimitNofile = 7;

// Whether the caller may look at / change process `pid`'s limits: itself
// (pid 0 or its own pid), or another existing one for root.
long check_target(std::uint64_t raw_pid) {
  const int pid = static_cast<int>(raw_pid);  // pid_t
  if (pid == 0 || pid == kernel::current_pid()) return 0;
  if (pid < 0) return err(Error::INVAL);
  return err(Error::SRCH);  // other processes' limits live in their own LinuxProcess
}

long set_limit(int resource, const Rlimit& r) {
  LinuxProcess* lp = current_linux();
  Rlimit& cur = lp->rlimits[resource];
  if (r.cur > r.max) return err(Error::INVAL);
  // Raising a hard limit takes root; the descriptor table and the stack are
  // fixed in size, so their hard limits cannot go past what exists.
  if (r.max > cur.max && kernel::current_process()->cred.euid != 0) return err(Error::PERM);
  if (resource == kRlimitNofile && r.max > static_cast<std::uint64_t>(fs::kMaxFds))
    return err(Error::PERM);
  if (resource == kRlimitStack && r.max > mm::kUserStackSize) return err(Error::PERM);
  cur = r;
  return 0;
}

struct Timeval {
  std::int64_t sec, usec;
};
Timeval to_timeval(std::uint64_t ns) {
  return {static_cast<std::int64_t>(ns / 1000000000),
          static_cast<std::int64_t>(ns % 1000000000 / 1000)};
}

// struct rusage: two timevals and fourteen longs.
struct Rusage {
  Timeval utime, stime;
  std::int64_t rest[14];
};
static_assert(sizeof(Rusage) == 144);

// CPU time of the calling process: its threads' run time. The scheduler
// does not split user from system time, so all of it counts as user time.
std::uint64_t process_runtime_ns() { return sched::current()->runtime_ns; }

constexpr std::uint64_t kUserHz = 100;  // clock_t ticks (USER_HZ)

struct Sysinfo {
  std::int64_t uptime;
  std::uint64_t loads[3];
  std::uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
  std::uint16_t procs, pad;
  std::uint64_t totalhigh, freehigh;
  std::uint32_t mem_unit;
};
static_assert(sizeof(Sysinfo) == 112);

}  // namespace

void rlimits_init(Rlimit (&limits)[kNumRlimits]) {
  for (Rlimit& r : limits) r = {kInfinity, kInfinity};
  limits[kRlimitStack] = {mm::kUserStackSize, mm::kUserStackSize};
  limits[kRlimitCore] = {0, kInfinity};  // no core dumps are written
  limits[kRlimitNofile] = {fs::kMaxFds, fs::kMaxFds};
}

long sys_prlimit64(const Args& a) {
  const auto resource = static_cast<std::uint64_t>(a.a[1]);
  if (resource >= kNumRlimits) return err(Error::INVAL);
  if (long r = check_target(a.a[0])) return r;
  LinuxProcess* lp = current_linux();
  if (!lp) return err(Error::SRCH);
  Rlimit want{};
  if (a.a[2] && !mm::copy_from_user(&want, a.a[2], sizeof want).ok()) return err(Error::FAULT);
  const Rlimit old = lp->rlimits[resource];
  if (a.a[2]) {
    if (long r = set_limit(static_cast<int>(resource), want)) return r;
  }
  if (a.a[3] && !mm::copy_to_user(a.a[3], &old, sizeof old).ok()) return err(Error::FAULT);
  return 0;
}

long sys_getrlimit(const Args& a) {
  if (a.a[0] >= kNumRlimits) return err(Error::INVAL);
  LinuxProcess* lp = current_linux();
  if (!lp) return err(Error::SRCH);
  return ret(mm::copy_to_user(a.a[1], &lp->rlimits[a.a[0]], sizeof(Rlimit)));
}

long sys_setrlimit(const Args& a) {
  if (a.a[0] >= kNumRlimits) return err(Error::INVAL);
  if (!current_linux()) return err(Error::SRCH);
  Rlimit want;
  if (!mm::copy_from_user(&want, a.a[1], sizeof want).ok()) return err(Error::FAULT);
  return set_limit(static_cast<int>(a.a[0]), want);
}

long sys_getrusage(const Args& a) {
  constexpr long kSelf = 0, kChildren = -1, kThread = 1;
  const long who = static_cast<int>(a.a[0]);  // int who: the upper half is not the caller's
  if (who != kSelf && who != kChildren && who != kThread) return err(Error::INVAL);
  Rusage u{};
  // Reaped children's times are not accumulated by the process layer yet:
  // RUSAGE_CHILDREN reports zero.
  if (who != kChildren) u.utime = to_timeval(process_runtime_ns());
  return ret(mm::copy_to_user(a.a[1], &u, sizeof u));
}

long sys_times(const Args& a) {
  if (a.a[0]) {
    const std::uint64_t tms[4] = {process_runtime_ns() / (1000000000 / kUserHz), 0, 0, 0};
    if (!mm::copy_to_user(a.a[0], tms, sizeof tms).ok()) return err(Error::FAULT);
  }
  return static_cast<long>(sched::uptime_ns() / (1000000000 / kUserHz));
}

long sys_sysinfo(const Args& a) {
  Sysinfo s{};
  s.uptime = static_cast<std::int64_t>(sched::uptime_ns() / 1000000000);
  fs::load_average(s.loads);
  const auto& pa = mm::page_allocator();
  s.mem_unit = static_cast<std::uint32_t>(mm::kPageSize);
  s.totalram = pa.total_pages();
  s.freeram = pa.free_pages();
  const std::size_t procs = kernel::process_count();
  s.procs = static_cast<std::uint16_t>(procs > 0xffff ? 0xffff : procs);
  return ret(mm::copy_to_user(a.a[0], &s, sizeof s));
}

long sys_sched_getaffinity(const Args& a) {
  const std::uint64_t len = a.a[1];
  // The kernel's CPU mask is one 64-bit word, so the caller's must hold it.
  if (len < sizeof(sched::CpuMask) || (len & (sizeof(long) - 1))) return err(Error::INVAL);
  sched::CpuMask mask;
  const int pid = static_cast<int>(a.a[0]);
  if (pid == 0) {
    mask = sched::get_affinity(sched::current());
  } else {
    if (pid < 0) return err(Error::SRCH);
    kernel::ProcessThread* t = kernel::thread_get(pid);
    if (!t) return err(Error::SRCH);
    mask = sched::get_affinity(t->thread);
    kernel::thread_put(t);
  }
  const unsigned cpus = kernel::machine_info().cpus_possible;
  if (cpus < 64) mask &= (sched::CpuMask{1} << cpus) - 1;
  if (!mm::copy_to_user(a.a[2], &mask, sizeof mask).ok()) return err(Error::FAULT);
  return sizeof mask;
}

long sys_setpgid(const Args& a) {
  const auto pgid = static_cast<std::int64_t>(static_cast<int>(a.a[1]));
  if (pgid < 0) return err(Error::INVAL);
  return ret(kernel::process_set_group(static_cast<int>(a.a[0]), static_cast<int>(pgid)));
}

long sys_getpgid(const Args& a) { return ret(kernel::process_group_of(static_cast<int>(a.a[0]))); }
long sys_setsid(const Args&) { return ret(kernel::process_new_session()); }
long sys_getsid(const Args& a) { return ret(kernel::process_session_of(static_cast<int>(a.a[0]))); }

}  // namespace linux_compat
