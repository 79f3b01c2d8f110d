// Deferred cancellation (pthread_cancel, setcancelstate/type, testcancel),
// cleanup handlers and pthread_once.
#include "pthread_internal.hpp"

using namespace vela;

VELA_API(int, pthread_cancel, vabi::pthread_t tid) {
  kernel::ProcessThread* rec = kernel::thread_get(tid);
  if (!rec) return err(Error::SRCH);
  auto* t = static_cast<Tcb*>(rec->personality);
  int r = 0;
  if (!t || rec->exited.load()) {
    r = err(Error::SRCH);
  } else {
    request_cancel(t, false);
  }
  kernel::thread_put(rec);
  // Cancelling oneself acts at the next cancellation point, as for others.
  return r;
}

VELA_API(int, pthread_setcancelstate, int state, int* old) {
  if (state != vabi::kCancelEnable && state != vabi::kCancelDisable) return err(Error::INVAL);
  Tcb* self = current_tcb();
  if (!self) return err(Error::INVAL);
  if (old) *old = self->cancel_state;
  self->cancel_state = state;
  return 0;
}

VELA_API(int, pthread_setcanceltype, int type, int* old) {
  if (type != vabi::kCancelDeferred && type != vabi::kCancelAsync) return err(Error::INVAL);
  Tcb* self = current_tcb();
  if (!self) return err(Error::INVAL);
  if (old) *old = self->cancel_type;
  // Asynchronous cancellation is recorded but acts at cancellation points,
  // like deferred (no asynchronous thread kill in the kernel).
  self->cancel_type = type;
  if (type == vabi::kCancelAsync) cancellation_point();
  return 0;
}

VELA_API(void, pthread_testcancel) { cancellation_point(); }

VELA_API(void, _pthread_cleanup_push, CleanupBuffer* buf, void (*routine)(void*), void* arg) {
  Tcb* self = current_tcb();
  if (!buf || !self) return;
  buf->routine = routine;
  buf->arg = arg;
  buf->prev = self->cleanup;
  self->cleanup = buf;
}

VELA_API(void, _pthread_cleanup_pop, CleanupBuffer* buf, int execute) {
  Tcb* self = current_tcb();
  if (!buf || !self || self->cleanup != buf) return;
  self->cleanup = buf->prev;
  if (execute && buf->routine) buf->routine(buf->arg);
}

namespace {
// One queue for every pthread_once in progress: contention is rare.
sched::WaitQueue g_once_waiters;
constexpr int kOnceRunning = 1, kOnceDone = 2;
}  // namespace

VELA_API(int, pthread_once, volatile int* once, void (*fn)()) {
  if (!once || !fn) return err(Error::INVAL);
  auto* state = reinterpret_cast<volatile std::atomic<int>*>(once);
  int expected = 0;
  if (state->compare_exchange_strong(expected, kOnceRunning)) {
    fn();
    state->store(kOnceDone);
    g_once_waiters.wake_all();
    sched::preempt_point();
    return 0;
  }
  if (expected == kOnceDone) return 0;
  (void)g_once_waiters.wait_until([state] { return state->load() == kOnceDone; });
  return 0;
}
