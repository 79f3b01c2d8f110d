// pthread spinlocks: a test-and-set word with owner tracking for EDEADLK
// and EPERM. The holder is not protected from preemption (as in NuttX
// without sched_lock), so hold them briefly.
#include "pthread_internal.hpp"

namespace vela {
int self_id();
}

using namespace vela;

namespace {
constexpr std::uint32_t kMagic = 0x5350494eu;

bool ok(vabi::pthread_spinlock_t* l) { return l && l->__magic == kMagic; }

bool try_take(vabi::pthread_spinlock_t* l) {
  int expected = 0;
  return __atomic_compare_exchange_n(&l->__lock, &expected, 1, false, __ATOMIC_ACQUIRE,
                                     __ATOMIC_RELAXED);
}
}  // namespace

VELA_API(int, pthread_spin_init, vabi::pthread_spinlock_t* l, int pshared) {
  if (!l || (pshared != 0 && pshared != 1)) return err(Error::INVAL);
  l->__lock = 0;
  l->__owner = 0;
  l->__magic = kMagic;
  return 0;
}

VELA_API(int, pthread_spin_destroy, vabi::pthread_spinlock_t* l) {
  if (!ok(l)) return err(Error::INVAL);
  if (l->__lock) return err(Error::BUSY);
  l->__magic = 0;
  return 0;
}

VELA_API(int, pthread_spin_lock, vabi::pthread_spinlock_t* l) {
  if (!ok(l)) return err(Error::INVAL);
  const int me = self_id();
  if (__atomic_load_n(&l->__owner, __ATOMIC_RELAXED) == me) return err(Error::DEADLK);
  unsigned spins = 0;
  while (!try_take(l)) {
    // On one CPU the holder can only run if we give way.
    if (++spins % 64 == 0) sched::yield();
  }
  __atomic_store_n(&l->__owner, me, __ATOMIC_RELAXED);
  return 0;
}

VELA_API(int, pthread_spin_trylock, vabi::pthread_spinlock_t* l) {
  if (!ok(l)) return err(Error::INVAL);
  if (!try_take(l)) return err(Error::BUSY);
  __atomic_store_n(&l->__owner, self_id(), __ATOMIC_RELAXED);
  return 0;
}

VELA_API(int, pthread_spin_unlock, vabi::pthread_spinlock_t* l) {
  if (!ok(l)) return err(Error::INVAL);
  if (!l->__lock || __atomic_load_n(&l->__owner, __ATOMIC_RELAXED) != self_id())
    return err(Error::PERM);
  __atomic_store_n(&l->__owner, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&l->__lock, 0, __ATOMIC_RELEASE);
  return 0;
}
