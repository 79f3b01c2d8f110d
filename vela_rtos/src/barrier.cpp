// Barriers: the last of `count` arrivals releases the others and gets
// PTHREAD_BARRIER_SERIAL_THREAD; a generation counter keeps rounds apart.
#include <klib/spinlock.hpp>

#include <new>

#include "pthread_internal.hpp"

using namespace vela;

namespace {

constexpr std::uint32_t kMagic = 0x42415252u;
constexpr std::uint32_t kAttrMagic = 0x42415454u;
static_assert(sizeof(sched::WaitQueue) <= sizeof(vabi::pthread_barrier_t::__k));

sched::WaitQueue& queue(vabi::pthread_barrier_t* b) {
  return *std::launder(reinterpret_cast<sched::WaitQueue*>(b->__k));
}

}  // namespace

VELA_API(int, pthread_barrierattr_init, vabi::pthread_barrierattr_t* a) {
  if (!a) return err(Error::INVAL);
  a->__magic = kAttrMagic;
  a->pshared = 0;
  return 0;
}

VELA_API(int, pthread_barrierattr_destroy, vabi::pthread_barrierattr_t* a) {
  if (!a || a->__magic != kAttrMagic) return err(Error::INVAL);
  a->__magic = 0;
  return 0;
}

VELA_API(int, pthread_barrier_init, vabi::pthread_barrier_t* b,
         const vabi::pthread_barrierattr_t* a, unsigned count) {
  if (!b || count == 0 || (a && a->__magic != kAttrMagic)) return err(Error::INVAL);
  if (b->__magic == kMagic && b->__arrived != 0) return err(Error::BUSY);
  new (b->__k) sched::WaitQueue();
  b->__count = count;
  b->__arrived = 0;
  b->__generation = 0;
  b->__magic = kMagic;
  return 0;
}

VELA_API(int, pthread_barrier_destroy, vabi::pthread_barrier_t* b) {
  if (!b || b->__magic != kMagic) return err(Error::INVAL);
  klib::SpinGuard guard(queue(b).lock());
  if (b->__arrived != 0) return err(Error::BUSY);
  b->__magic = 0;
  return 0;
}

VELA_API(int, pthread_barrier_wait, vabi::pthread_barrier_t* b) {
  if (!b || b->__magic != kMagic) return err(Error::INVAL);
  sched::WaitQueue& wq = queue(b);
  unsigned gen;
  bool last = false;
  {
    klib::SpinGuard guard(wq.lock());
    gen = b->__generation;
    if (++b->__arrived == b->__count) {
      b->__arrived = 0;
      ++b->__generation;
      wq.wake_all_locked();
      last = true;
    }
  }
  if (last) {
    sched::preempt_point();
    return vabi::kBarrierSerialThread;
  }
  // Not a cancellation point (POSIX).
  (void)vela::wait(
      wq, [b, gen] { return b->__generation != gen; }, sched::kForever, false);
  return 0;
}
