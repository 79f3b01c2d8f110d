// picolibc's retargetable locks (sys/lock.h: stdio, atexit, environment...)
// as recursive sleeping mutexes on sched::Mutex. Defining every
// __retarget_lock_* and the static libc lock here keeps libc.a's single-
// threaded stubs (misc/lock.c) out of the link.
#include <mm/heap.hpp>
#include <sched/sched.hpp>
#include <sched/wait.hpp>

#include <new>

struct __lock {
  sched::Mutex mutex;
  sched::Thread* owner = nullptr;  // written by the holder only
  unsigned depth = 0;
};

namespace {

void acquire(__lock* l) {
  sched::Thread* self = sched::current();
  if (l->owner == self) {
    ++l->depth;
    return;
  }
  l->mutex.lock();
  l->owner = self;
  l->depth = 1;
}

bool try_acquire(__lock* l) {
  sched::Thread* self = sched::current();
  if (l->owner == self) {
    ++l->depth;
    return true;
  }
  if (!l->mutex.try_lock()) return false;
  l->owner = self;
  l->depth = 1;
  return true;
}

void release(__lock* l) {
  if (--l->depth > 0) return;
  l->owner = nullptr;
  l->mutex.unlock();
}

__lock* create() {
  void* mem = mm::kmalloc(sizeof(__lock));
  return mem ? new (mem) __lock() : nullptr;
}

}  // namespace

extern "C" {

constinit __lock __lock___libc_recursive_mutex;

// A lock that cannot be allocated stays nullptr; picolibc then runs
// unlocked for that object rather than failing (as its own stubs do).
void __retarget_lock_init(__lock** l) { *l = create(); }
void __retarget_lock_init_recursive(__lock** l) { *l = create(); }
void __retarget_lock_close(__lock* l) {
  if (l) mm::kfree(l);
}
void __retarget_lock_close_recursive(__lock* l) { __retarget_lock_close(l); }
void __retarget_lock_acquire(__lock* l) {
  if (l) acquire(l);
}
void __retarget_lock_acquire_recursive(__lock* l) {
  if (l) acquire(l);
}
int __retarget_lock_try_acquire(__lock* l) { return !l || try_acquire(l); }
int __retarget_lock_try_acquire_recursive(__lock* l) { return !l || try_acquire(l); }
void __retarget_lock_release(__lock* l) {
  if (l) release(l);
}
void __retarget_lock_release_recursive(__lock* l) {
  if (l) release(l);
}

}  // extern "C"
