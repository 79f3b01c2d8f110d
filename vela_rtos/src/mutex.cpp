// pthread mutexes over sched::Mutex: normal, errorcheck and recursive types,
// robust mutexes (EOWNERDEAD / pthread_mutex_consistent), timed lock and the
// PTHREAD_PRIO_INHERIT / PTHREAD_PRIO_NONE protocols (sched's PI). A thread
// that exits holding mutexes releases them (robust ones become EOWNERDEAD),
// as NuttX does, so no mutex keeps a dead owner.
#include <klib/spinlock.hpp>

#include <new>

#include "pthread_internal.hpp"

// Compatible with sched's definition once PI mutexes land (an opaque
// redeclaration); lets the code below test for the feature.
namespace sched {
enum class MutexProtocol : std::uint8_t;
}

namespace vela {
namespace {

constexpr std::uint32_t kMutexMagic = 0x4d555458u;
constexpr std::uint32_t kAttrMagic = 0x4d415454u;
constexpr std::uint8_t kConsistent = 0, kOwnerDead = 1, kNotRecoverable = 2;

static_assert(sizeof(sched::Mutex) <= sizeof(vabi::pthread_mutex_t::__k));
static_assert(alignof(sched::Mutex) <= alignof(std::uint64_t));

sched::Mutex& core(vabi::pthread_mutex_t* m) {
  return *std::launder(reinterpret_cast<sched::Mutex*>(m->__k));
}

// The new sched API (PI protocols, timed lock) is used when present.
template <typename M, typename P = sched::MutexProtocol>
void construct(void* where, int protocol) {
  if constexpr (requires { M(P::None); }) {
    new (where) M(protocol == vabi::kPrioInherit ? P::Inherit : P::None);
  } else {
    (void)protocol;  // TODO(sched PI): every mutex is FIFO until PI lands
    new (where) M();
  }
}

template <typename M>
klib::Result<void> timed_lock(M& m, std::uint64_t timeout_ns) {
  if constexpr (requires { m.timed_lock(timeout_ns); }) {
    return m.timed_lock(timeout_ns);
  } else {
    if (timeout_ns == sched::kForever) {
      m.lock();
      return klib::ok();
    }
    // Fallback until sched::Mutex::timed_lock: poll every millisecond.
    const std::uint64_t end = sched::uptime_ns() + timeout_ns;
    while (!m.try_lock()) {
      if (sched::uptime_ns() >= end) return klib::Err(Error::TIMEDOUT);
      sched::sleep_ns(1'000'000);
    }
    return klib::ok();
  }
}

klib::SpinLockIrq g_static_init_lock;

// Validates `m`, setting up a PTHREAD_MUTEX_INITIALIZER one on first use.
bool ready(vabi::pthread_mutex_t* m) {
  if (!m) return false;
  if (m->__magic == kMutexMagic) return true;
  if (m->__magic != vabi::kMutexStatic) return false;
  klib::SpinGuard guard(g_static_init_lock);
  if (m->__magic == vabi::kMutexStatic) {
    construct<sched::Mutex>(m->__k, vabi::kPrioNone);
    __atomic_store_n(&m->__magic, kMutexMagic, __ATOMIC_RELEASE);
  }
  return m->__magic == kMutexMagic;
}

}  // namespace

// The caller's id as a mutex owner: its tid, or a negative id for kernel
// threads (the monitor) so they can use mutexes too.
int self_id() {
  if (kernel::ProcessThread* rec = kernel::current_thread()) return rec->tid;
  sched::Thread* t = sched::current();
  return -static_cast<int>(t ? t->id + 1 : 1);
}

namespace {

void push_held(vabi::pthread_mutex_t* m) {
  Tcb* self = current_tcb();
  if (!self) return;
  m->__next_robust = self->robust_held;
  self->robust_held = m;
}

void pop_held(vabi::pthread_mutex_t* m) {
  Tcb* self = current_tcb();
  if (!self) return;
  for (vabi::pthread_mutex_t** p = &self->robust_held; *p; p = &(*p)->__next_robust) {
    if (*p == m) {
      *p = m->__next_robust;
      m->__next_robust = nullptr;
      return;
    }
  }
}

int lock(vabi::pthread_mutex_t* m, std::uint64_t timeout_ns, bool try_only) {
  if (!ready(m)) return err(Error::INVAL);
  const int me = self_id();
  if (m->__owner == me) {
    if (m->__type == vabi::kMutexRecursive) {
      if (m->__count == INT32_MAX) return err(Error::AGAIN);
      ++m->__count;
      return 0;
    }
    // NORMAL would deadlock; report it instead (ERRORCHECK semantics).
    return err(try_only ? Error::BUSY : Error::DEADLK);
  }
  if (m->__state == kNotRecoverable) return err(Error::NOTRECOVERABLE);
  if (try_only) {
    if (!core(m).try_lock()) return err(Error::BUSY);
  } else {
    auto r = timed_lock(core(m), timeout_ns);
    if (!r.ok()) return err(r.error());
  }
  m->__owner = me;
  m->__count = 1;
  push_held(m);
  if (m->__state == kNotRecoverable) {  // made unrecoverable while we waited
    pop_held(m);
    m->__owner = 0;
    m->__count = 0;
    core(m).unlock();
    return err(Error::NOTRECOVERABLE);
  }
  if (m->__robust && m->__state == kOwnerDead) return err(Error::OWNERDEAD);
  return 0;
}

int unlock_owned(vabi::pthread_mutex_t* m) {
  if (m->__robust && m->__state == kOwnerDead) m->__state = kNotRecoverable;
  pop_held(m);
  m->__owner = 0;
  m->__count = 0;
  core(m).unlock();
  return 0;
}

}  // namespace

void release_robust_mutexes(Tcb* t) {
  while (vabi::pthread_mutex_t* m = t->robust_held) {
    t->robust_held = m->__next_robust;
    m->__next_robust = nullptr;
    if (m->__robust) m->__state = kOwnerDead;
    m->__owner = 0;
    m->__count = 0;
    core(m).unlock();
  }
}

// For pthread_cond_wait: releases a mutex the caller owns, returning its
// recursion depth (0 if the caller does not own it).
int mutex_release_for_wait(vabi::pthread_mutex_t* m) {
  if (!ready(m) || m->__owner != self_id()) return 0;
  const int depth = m->__count;
  pop_held(m);
  m->__owner = 0;
  m->__count = 0;
  core(m).unlock();
  return depth;
}

void mutex_reacquire_after_wait(vabi::pthread_mutex_t* m, int depth) {
  (void)timed_lock(core(m), sched::kForever);
  m->__owner = self_id();
  m->__count = depth;
  push_held(m);
}

}  // namespace vela

using namespace vela;

VELA_API(int, pthread_mutexattr_init, vabi::pthread_mutexattr_t* a) {
  if (!a) return err(Error::INVAL);
  *a = vabi::pthread_mutexattr_t{kAttrMagic, vabi::kMutexNormal, vabi::kPrioNone,
                                 vabi::kMutexStalled, 0};
  return 0;
}

static bool attr_ok(const vabi::pthread_mutexattr_t* a) { return a && a->__magic == kAttrMagic; }

VELA_API(int, pthread_mutexattr_destroy, vabi::pthread_mutexattr_t* a) {
  if (!attr_ok(a)) return err(Error::INVAL);
  a->__magic = 0;
  return 0;
}

VELA_API(int, pthread_mutexattr_settype, vabi::pthread_mutexattr_t* a, int type) {
  if (!attr_ok(a) || type < vabi::kMutexNormal || type > vabi::kMutexRecursive)
    return err(Error::INVAL);
  a->type = static_cast<std::uint8_t>(type);
  return 0;
}

VELA_API(int, pthread_mutexattr_gettype, const vabi::pthread_mutexattr_t* a, int* type) {
  if (!attr_ok(a) || !type) return err(Error::INVAL);
  *type = a->type;
  return 0;
}

VELA_API(int, pthread_mutexattr_setprotocol, vabi::pthread_mutexattr_t* a, int protocol) {
  if (!attr_ok(a)) return err(Error::INVAL);
  if (protocol == vabi::kPrioProtect) return err(Error::NOTSUP);
  if (protocol != vabi::kPrioNone && protocol != vabi::kPrioInherit) return err(Error::INVAL);
  a->protocol = static_cast<std::uint8_t>(protocol);
  return 0;
}

VELA_API(int, pthread_mutexattr_getprotocol, const vabi::pthread_mutexattr_t* a, int* protocol) {
  if (!attr_ok(a) || !protocol) return err(Error::INVAL);
  *protocol = a->protocol;
  return 0;
}

VELA_API(int, pthread_mutexattr_setrobust, vabi::pthread_mutexattr_t* a, int robust) {
  if (!attr_ok(a) || (robust != vabi::kMutexStalled && robust != vabi::kMutexRobust))
    return err(Error::INVAL);
  a->robust = static_cast<std::uint8_t>(robust);
  return 0;
}

VELA_API(int, pthread_mutexattr_getrobust, const vabi::pthread_mutexattr_t* a, int* robust) {
  if (!attr_ok(a) || !robust) return err(Error::INVAL);
  *robust = a->robust;
  return 0;
}

VELA_API(int, pthread_mutexattr_setpshared, vabi::pthread_mutexattr_t* a, int pshared) {
  if (!attr_ok(a) || (pshared != 0 && pshared != 1)) return err(Error::INVAL);
  a->pshared = static_cast<std::uint8_t>(pshared);  // one address space: both behave alike
  return 0;
}

VELA_API(int, pthread_mutexattr_getpshared, const vabi::pthread_mutexattr_t* a, int* pshared) {
  if (!attr_ok(a) || !pshared) return err(Error::INVAL);
  *pshared = a->pshared;
  return 0;
}

VELA_API(int, pthread_mutex_init, vabi::pthread_mutex_t* m, const vabi::pthread_mutexattr_t* a) {
  if (!m || (a && !attr_ok(a))) return err(Error::INVAL);
  if (m->__magic == kMutexMagic && m->__owner != 0) return err(Error::BUSY);
  m->__type = a ? a->type : vabi::kMutexNormal;
  m->__protocol = a ? a->protocol : vabi::kPrioNone;
  m->__robust = a ? a->robust : vabi::kMutexStalled;
  m->__state = kConsistent;
  m->__count = 0;
  m->__owner = 0;
  m->__next_robust = nullptr;
  construct<sched::Mutex>(m->__k, m->__protocol);
  m->__magic = kMutexMagic;
  return 0;
}

VELA_API(int, pthread_mutex_destroy, vabi::pthread_mutex_t* m) {
  if (!m) return err(Error::INVAL);
  if (m->__magic == vabi::kMutexStatic) {
    m->__magic = 0;
    return 0;
  }
  if (m->__magic != kMutexMagic) return err(Error::INVAL);
  if (m->__owner != 0) return err(Error::BUSY);
  core(m).~Mutex();
  m->__magic = 0;
  return 0;
}

VELA_API(int, pthread_mutex_lock, vabi::pthread_mutex_t* m) {
  return lock(m, sched::kForever, false);
}

VELA_API(int, pthread_mutex_trylock, vabi::pthread_mutex_t* m) { return lock(m, 0, true); }

VELA_API(int, pthread_mutex_timedlock, vabi::pthread_mutex_t* m, const vabi::timespec* abstime) {
  if (!ready(m)) return err(Error::INVAL);
  // POSIX: abstime is only validated when the mutex is not free at once.
  const int first = lock(m, 0, true);
  if (first != err(Error::BUSY)) return first;
  auto t = timeout_until(vabi::kClockRealtime, abstime);
  if (!t.ok()) return err(t.error());
  return lock(m, *t == 0 ? 1 : *t, false);
}

VELA_API(int, pthread_mutex_unlock, vabi::pthread_mutex_t* m) {
  if (!ready(m)) return err(Error::INVAL);
  if (m->__owner != self_id()) return err(Error::PERM);
  if (m->__count > 1) {
    --m->__count;
    return 0;
  }
  return unlock_owned(m);
}

VELA_API(int, pthread_mutex_consistent, vabi::pthread_mutex_t* m) {
  if (!ready(m) || !m->__robust || m->__state != kOwnerDead || m->__owner != self_id())
    return err(Error::INVAL);
  m->__state = kConsistent;
  return 0;
}
