// sched_* for Vela: yield, priority limits, get/set param and scheduler of
// any thread by id (0 = the caller), sched_lock/unlock, sched_getcpu.
#include <sched/percpu.hpp>

#include "pthread_internal.hpp"

namespace vela {
int set_sched(kernel::ProcessThread* rec, int policy, int priority);  // pthread.cpp
}

using namespace vela;

namespace {

// The thread named by `pid` (0: the caller), referenced; nullptr if none.
kernel::ProcessThread* lookup(int pid) {
  if (pid < 0) return nullptr;
  if (pid == 0) {
    kernel::ProcessThread* self = kernel::current_thread();
    return self ? kernel::thread_get(self->tid) : nullptr;
  }
  return kernel::thread_get(pid);
}

int set_errno_result(int errnum) {
  if (errnum == 0) return 0;
  vela_set_errno(errnum);
  return -1;
}

}  // namespace

VELA_API(int, sched_yield) {
  cancellation_point();  // lets task_delete reach tasks that spin on sched_yield
  sched::yield();
  return 0;
}

VELA_API(int, sched_get_priority_max, int policy) {
  return valid_policy(policy) ? sched::kMaxPriority : fail(Error::INVAL);
}

VELA_API(int, sched_get_priority_min, int policy) {
  return valid_policy(policy) ? 1 : fail(Error::INVAL);
}

VELA_API(int, sched_getparam, int pid, vabi::sched_param* param) {
  if (!param) return fail(Error::INVAL);
  kernel::ProcessThread* rec = lookup(pid);
  if (!rec) return fail(pid < 0 ? Error::INVAL : Error::SRCH);
  // The effective priority, boosts by priority inheritance included (NuttX).
  const int prio = rec->thread ? sched::effective_priority(rec->thread) : 0;
  param->sched_priority = prio < 0 ? 0 : prio;
  kernel::thread_put(rec);
  return 0;
}

VELA_API(int, sched_setparam, int pid, const vabi::sched_param* param) {
  if (!param) return fail(Error::INVAL);
  kernel::ProcessThread* rec = lookup(pid);
  if (!rec) return fail(pid < 0 ? Error::INVAL : Error::SRCH);
  auto* t = static_cast<Tcb*>(rec->personality);
  const int policy = t ? t->policy : vabi::kSchedRr;
  int r = valid_priority(policy, param->sched_priority)
              ? set_sched(rec, policy, param->sched_priority)
              : vela_errno_from(Error::INVAL);
  kernel::thread_put(rec);
  return set_errno_result(r);
}

VELA_API(int, sched_getscheduler, int pid) {
  kernel::ProcessThread* rec = lookup(pid);
  if (!rec) return fail(pid < 0 ? Error::INVAL : Error::SRCH);
  auto* t = static_cast<Tcb*>(rec->personality);
  const int policy = t ? t->policy : vabi::kSchedRr;
  kernel::thread_put(rec);
  return policy;
}

VELA_API(int, sched_setscheduler, int pid, int policy, const vabi::sched_param* param) {
  if (!param || !valid_policy(policy) || !valid_priority(policy, param->sched_priority))
    return fail(Error::INVAL);
  kernel::ProcessThread* rec = lookup(pid);
  if (!rec) return fail(pid < 0 ? Error::INVAL : Error::SRCH);
  auto* t = static_cast<Tcb*>(rec->personality);
  const int old = t ? t->policy : vabi::kSchedRr;
  const int r = set_sched(rec, policy, param->sched_priority);
  kernel::thread_put(rec);
  return r ? set_errno_result(r) : old;
}

VELA_API(int, sched_rr_get_interval, int pid, vabi::timespec* interval) {
  if (!interval) return fail(Error::INVAL);
  kernel::ProcessThread* rec = lookup(pid);
  if (!rec) return fail(pid < 0 ? Error::INVAL : Error::SRCH);
  kernel::thread_put(rec);
  const std::uint64_t ns = sched::kDefaultRrSliceNs;
  interval->tv_sec = static_cast<long>(ns / 1'000'000'000u);
  interval->tv_nsec = static_cast<long>(ns % 1'000'000'000u);
  return 0;
}

// Per CPU, as in NuttX SMP: other CPUs keep scheduling (see sched.hpp).
VELA_API(int, sched_lock) {
  sched::sched_lock();
  return 0;
}

VELA_API(int, sched_unlock) {
  if (sched::sched_lock_count() <= 0) return fail(Error::PERM);
  sched::sched_unlock();
  return 0;
}

VELA_API(int, sched_lockcount) { return sched::sched_lock_count(); }

VELA_API(int, sched_getcpu) { return static_cast<int>(sched::cpu_index_or_zero()); }

// CPU affinity of one thread (sched_*affinity: 0 = the caller; pthread_*_np:
// a pthread id). The C cpu_set_t is CPU_SETSIZE (64) bits in unsigned longs,
// bit i = CPU i, the same layout as sched::CpuMask.
namespace {

constexpr std::size_t kCpuSetBytes = sizeof(sched::CpuMask);

int set_affinity(int tid, std::size_t size, const void* set) {
  if (!set || size < kCpuSetBytes) return vela_errno_from(Error::INVAL);
  kernel::ProcessThread* rec = lookup(tid);
  if (!rec) return vela_errno_from(tid < 0 ? Error::INVAL : Error::SRCH);
  sched::CpuMask mask;
  __builtin_memcpy(&mask, set, kCpuSetBytes);
  auto r = rec->thread ? sched::set_affinity(rec->thread, mask) : klib::Err(Error::SRCH);
  kernel::thread_put(rec);
  return r ? 0 : vela_errno_from(r.error());
}

int get_affinity(int tid, std::size_t size, void* set) {
  if (!set || size < kCpuSetBytes) return vela_errno_from(Error::INVAL);
  kernel::ProcessThread* rec = lookup(tid);
  if (!rec) return vela_errno_from(tid < 0 ? Error::INVAL : Error::SRCH);
  sched::CpuMask mask = rec->thread ? sched::get_affinity(rec->thread) : 0;
  kernel::thread_put(rec);
  // Only CPUs that exist: a fresh thread's mask is "all".
  const unsigned n = sched::cpus_online();
  if (n < 64) mask &= (sched::CpuMask{1} << n) - 1;
  __builtin_memset(set, 0, size);
  __builtin_memcpy(set, &mask, kCpuSetBytes);
  return 0;
}

}  // namespace

VELA_API(int, sched_setaffinity, int pid, std::size_t size, const void* set) {
  return set_errno_result(set_affinity(pid, size, set));
}

VELA_API(int, sched_getaffinity, int pid, std::size_t size, void* set) {
  return set_errno_result(get_affinity(pid, size, set));
}

// pthread ids are thread ids (NuttX); 0 is not a valid pthread_t.
VELA_API(int, pthread_setaffinity_np, int thread, std::size_t size, const void* set) {
  if (thread <= 0) return vela_errno_from(Error::SRCH);
  return set_affinity(thread, size, set);
}

VELA_API(int, pthread_getaffinity_np, int thread, std::size_t size, void* set) {
  if (thread <= 0) return vela_errno_from(Error::SRCH);
  return get_affinity(thread, size, set);
}
