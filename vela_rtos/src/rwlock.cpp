// Reader-writer locks with writer preference (a waiting writer holds back
// new readers, so writers cannot starve). Not cancellation points (POSIX).
#include <klib/spinlock.hpp>

#include <new>

#include "pthread_internal.hpp"

namespace vela {
int self_id();
}

using namespace vela;

namespace {

constexpr std::uint32_t kMagic = 0x52574c4bu;
constexpr std::uint32_t kAttrMagic = 0x52574154u;
static_assert(sizeof(sched::WaitQueue) <= sizeof(vabi::pthread_rwlock_t::__k));

sched::WaitQueue& queue(vabi::pthread_rwlock_t* l) {
  return *std::launder(reinterpret_cast<sched::WaitQueue*>(l->__k));
}

klib::SpinLockIrq g_static_init_lock;

bool ready(vabi::pthread_rwlock_t* l) {
  if (!l) return false;
  if (l->__magic == kMagic) return true;
  if (l->__magic != vabi::kRwlockStatic) return false;
  klib::SpinGuard guard(g_static_init_lock);
  if (l->__magic == vabi::kRwlockStatic) {
    new (l->__k) sched::WaitQueue();
    __atomic_store_n(&l->__magic, kMagic, __ATOMIC_RELEASE);
  }
  return l->__magic == kMagic;
}

int rdlock(vabi::pthread_rwlock_t* l, const vabi::timespec* abstime, bool try_only) {
  if (!ready(l)) return err(Error::INVAL);
  sched::WaitQueue& wq = queue(l);
  auto take = [l] {
    if (l->__writer != 0 || l->__writers_waiting != 0) return false;
    ++l->__readers;
    return true;
  };
  {
    klib::SpinGuard guard(wq.lock());
    if (l->__writer == self_id()) return err(Error::DEADLK);
    if (take()) return 0;
  }
  if (try_only) return err(Error::BUSY);
  std::uint64_t timeout = sched::kForever;
  if (abstime) {
    auto t = timeout_until(vabi::kClockRealtime, abstime);
    if (!t.ok()) return err(t.error());
    timeout = *t;
  }
  auto r = vela::wait(wq, take, timeout, false);
  return r.ok() ? 0 : err(r.error());
}

int wrlock(vabi::pthread_rwlock_t* l, const vabi::timespec* abstime, bool try_only) {
  if (!ready(l)) return err(Error::INVAL);
  sched::WaitQueue& wq = queue(l);
  const int me = self_id();
  {
    klib::SpinGuard guard(wq.lock());
    if (l->__writer == me) return err(Error::DEADLK);
    if (l->__writer == 0 && l->__readers == 0) {
      l->__writer = me;
      return 0;
    }
    if (try_only) return err(Error::BUSY);
  }
  std::uint64_t timeout = sched::kForever;
  if (abstime) {
    auto t = timeout_until(vabi::kClockRealtime, abstime);
    if (!t.ok()) return err(t.error());
    timeout = *t;
  }
  {
    klib::SpinGuard guard(wq.lock());
    ++l->__writers_waiting;
  }
  auto r = vela::wait(
      wq,
      [l, me] {
        if (l->__writer != 0 || l->__readers != 0) return false;
        l->__writer = me;
        --l->__writers_waiting;
        return true;
      },
      timeout, false);
  if (!r.ok()) {
    klib::SpinGuard guard(wq.lock());
    --l->__writers_waiting;
    wq.wake_all_locked();  // readers held back by us may go now
    return err(r.error());
  }
  return 0;
}

}  // namespace

VELA_API(int, pthread_rwlockattr_init, vabi::pthread_rwlockattr_t* a) {
  if (!a) return err(Error::INVAL);
  a->__magic = kAttrMagic;
  a->pshared = 0;
  return 0;
}

VELA_API(int, pthread_rwlockattr_destroy, vabi::pthread_rwlockattr_t* a) {
  if (!a || a->__magic != kAttrMagic) return err(Error::INVAL);
  a->__magic = 0;
  return 0;
}

VELA_API(int, pthread_rwlock_init, vabi::pthread_rwlock_t* l, const vabi::pthread_rwlockattr_t* a) {
  if (!l || (a && a->__magic != kAttrMagic)) return err(Error::INVAL);
  if (l->__magic == kMagic && (l->__readers || l->__writer)) return err(Error::BUSY);
  new (l->__k) sched::WaitQueue();
  l->__readers = 0;
  l->__writer = 0;
  l->__writers_waiting = 0;
  l->__magic = kMagic;
  return 0;
}

VELA_API(int, pthread_rwlock_destroy, vabi::pthread_rwlock_t* l) {
  if (!l) return err(Error::INVAL);
  if (l->__magic == vabi::kRwlockStatic) {
    l->__magic = 0;
    return 0;
  }
  if (l->__magic != kMagic) return err(Error::INVAL);
  klib::SpinGuard guard(queue(l).lock());
  if (l->__readers || l->__writer || l->__writers_waiting) return err(Error::BUSY);
  l->__magic = 0;
  return 0;
}

VELA_API(int, pthread_rwlock_rdlock, vabi::pthread_rwlock_t* l) {
  return rdlock(l, nullptr, false);
}
VELA_API(int, pthread_rwlock_tryrdlock, vabi::pthread_rwlock_t* l) {
  return rdlock(l, nullptr, true);
}
VELA_API(int, pthread_rwlock_timedrdlock, vabi::pthread_rwlock_t* l, const vabi::timespec* t) {
  if (!t && ready(l)) return err(Error::INVAL);
  return rdlock(l, t, false);
}
VELA_API(int, pthread_rwlock_wrlock, vabi::pthread_rwlock_t* l) {
  return wrlock(l, nullptr, false);
}
VELA_API(int, pthread_rwlock_trywrlock, vabi::pthread_rwlock_t* l) {
  return wrlock(l, nullptr, true);
}
VELA_API(int, pthread_rwlock_timedwrlock, vabi::pthread_rwlock_t* l, const vabi::timespec* t) {
  if (!t && ready(l)) return err(Error::INVAL);
  return wrlock(l, t, false);
}

VELA_API(int, pthread_rwlock_unlock, vabi::pthread_rwlock_t* l) {
  if (!ready(l)) return err(Error::INVAL);
  sched::WaitQueue& wq = queue(l);
  {
    klib::SpinGuard guard(wq.lock());
    if (l->__writer != 0) {
      if (l->__writer != self_id()) return err(Error::PERM);
      l->__writer = 0;
    } else if (l->__readers > 0) {
      --l->__readers;
    } else {
      return err(Error::PERM);
    }
    wq.wake_all_locked();
  }
  sched::preempt_point();
  return 0;
}
