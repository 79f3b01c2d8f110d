// Condition variables: wait/timedwait (CLOCK_REALTIME or the attribute's
// clock), signal, broadcast. A signal hands out one token that only threads
// already waiting at that moment (older sequence) may take, so a late
// arrival cannot steal it; waiters re-check after every wake. A signal runs
// its handler during the wait, which then resumes (POSIX: never EINTR).
#include <klib/spinlock.hpp>

#include <new>

#include "signal_internal.hpp"

namespace vela {
int mutex_release_for_wait(vabi::pthread_mutex_t* m);
void mutex_reacquire_after_wait(vabi::pthread_mutex_t* m, int depth);
int self_id();
}  // namespace vela

using namespace vela;

namespace {

constexpr std::uint32_t kCondMagic = 0x434f4e44u;
constexpr std::uint32_t kAttrMagic = 0x43415454u;
static_assert(sizeof(sched::WaitQueue) <= sizeof(vabi::pthread_cond_t::__k));

sched::WaitQueue& queue(vabi::pthread_cond_t* c) {
  return *std::launder(reinterpret_cast<sched::WaitQueue*>(c->__k));
}

klib::SpinLockIrq g_static_init_lock;

bool ready(vabi::pthread_cond_t* c) {
  if (!c) return false;
  if (c->__magic == kCondMagic) return true;
  if (c->__magic != vabi::kCondStatic) return false;
  klib::SpinGuard guard(g_static_init_lock);
  if (c->__magic == vabi::kCondStatic) {
    new (c->__k) sched::WaitQueue();
    c->__clock = static_cast<int>(vabi::kClockRealtime);
    __atomic_store_n(&c->__magic, kCondMagic, __ATOMIC_RELEASE);
  }
  return c->__magic == kCondMagic;
}

int wait(vabi::pthread_cond_t* c, vabi::pthread_mutex_t* m, const vabi::timespec* abstime) {
  if (!ready(c) || !m) return err(Error::INVAL);
  std::uint64_t timeout = sched::kForever;
  if (abstime) {
    auto t = timeout_until(static_cast<vabi::clockid_t>(c->__clock), abstime);
    if (!t.ok()) return err(t.error());
    timeout = *t;
  }
  cancellation_point();
  sched::WaitQueue& wq = queue(c);
  std::uint64_t my_seq;
  {
    klib::SpinGuard guard(wq.lock());
    my_seq = c->__seq;
    ++c->__waiters;
  }
  const int depth = mutex_release_for_wait(m);
  if (depth == 0) {
    klib::SpinGuard guard(wq.lock());
    --c->__waiters;
    return err(Error::PERM);  // the caller does not own the mutex
  }
  klib::Result<void> r = klib::ok();
  for (;;) {
    if (timeout == 0) {
      r = klib::Err(Error::TIMEDOUT);
      break;
    }
    r = wait_intr(
        wq,
        [&] {
          if (c->__wake == 0 || c->__seq == my_seq) return false;
          --c->__wake;
          --c->__waiters;
          return true;
        },
        timeout);
    if (r.ok() || r.error() != Error::INTR) break;
    // Still counted as a waiter with the same ticket: run the handler
    // (mutex released, as while blocked), then wait on for the remainder.
    kernel::signal_deliver();
    if (abstime) {
      auto t = timeout_until(static_cast<vabi::clockid_t>(c->__clock), abstime);
      timeout = t.ok() ? *t : 0;
    }
  }
  if (!r.ok()) {
    klib::SpinGuard guard(wq.lock());
    --c->__waiters;
    if (c->__wake > c->__waiters) c->__wake = c->__waiters;
  }
  mutex_reacquire_after_wait(m, depth);
  if (!r.ok() && r.error() == Error::CANCELED) cancellation_point();
  return r.ok() ? 0 : err(r.error());
}

}  // namespace

VELA_API(int, pthread_condattr_init, vabi::pthread_condattr_t* a) {
  if (!a) return err(Error::INVAL);
  a->__magic = kAttrMagic;
  a->pshared = 0;
  a->clock = static_cast<int>(vabi::kClockRealtime);
  return 0;
}

VELA_API(int, pthread_condattr_destroy, vabi::pthread_condattr_t* a) {
  if (!a || a->__magic != kAttrMagic) return err(Error::INVAL);
  a->__magic = 0;
  return 0;
}

VELA_API(int, pthread_condattr_setclock, vabi::pthread_condattr_t* a, vabi::clockid_t clock) {
  if (!a || a->__magic != kAttrMagic ||
      (clock != vabi::kClockRealtime && clock != vabi::kClockMonotonic))
    return err(Error::INVAL);
  a->clock = static_cast<int>(clock);
  return 0;
}

VELA_API(int, pthread_condattr_getclock, const vabi::pthread_condattr_t* a,
         vabi::clockid_t* clock) {
  if (!a || a->__magic != kAttrMagic || !clock) return err(Error::INVAL);
  *clock = static_cast<vabi::clockid_t>(a->clock);
  return 0;
}

VELA_API(int, pthread_cond_init, vabi::pthread_cond_t* c, const vabi::pthread_condattr_t* a) {
  if (!c || (a && a->__magic != kAttrMagic)) return err(Error::INVAL);
  if (c->__magic == kCondMagic && c->__waiters != 0) return err(Error::BUSY);
  new (c->__k) sched::WaitQueue();
  c->__clock = a ? a->clock : static_cast<int>(vabi::kClockRealtime);
  c->__seq = 0;
  c->__wake = 0;
  c->__waiters = 0;
  c->__magic = kCondMagic;
  return 0;
}

VELA_API(int, pthread_cond_destroy, vabi::pthread_cond_t* c) {
  if (!c) return err(Error::INVAL);
  if (c->__magic == vabi::kCondStatic) {
    c->__magic = 0;
    return 0;
  }
  if (c->__magic != kCondMagic) return err(Error::INVAL);
  {
    klib::SpinGuard guard(queue(c).lock());
    if (c->__waiters != 0) return err(Error::BUSY);
    c->__magic = 0;
  }
  return 0;
}

VELA_API(int, pthread_cond_wait, vabi::pthread_cond_t* c, vabi::pthread_mutex_t* m) {
  return wait(c, m, nullptr);
}

VELA_API(int, pthread_cond_timedwait, vabi::pthread_cond_t* c, vabi::pthread_mutex_t* m,
         const vabi::timespec* abstime) {
  if (!abstime) return err(Error::INVAL);
  return wait(c, m, abstime);
}

static int wake(vabi::pthread_cond_t* c, bool all) {
  if (!ready(c)) return err(Error::INVAL);
  sched::WaitQueue& wq = queue(c);
  {
    klib::SpinGuard guard(wq.lock());
    if (c->__waiters == c->__wake) return 0;  // nobody left to wake
    c->__wake = all ? c->__waiters : c->__wake + 1;
    ++c->__seq;
    // Everyone re-checks: the highest-priority waiter may be a newcomer that
    // must not take the token, so a single wake could be lost.
    wq.wake_all_locked();
  }
  sched::preempt_point();
  return 0;
}

VELA_API(int, pthread_cond_signal, vabi::pthread_cond_t* c) { return wake(c, false); }

VELA_API(int, pthread_cond_broadcast, vabi::pthread_cond_t* c) { return wake(c, true); }
