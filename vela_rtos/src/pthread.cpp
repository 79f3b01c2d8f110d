// pthread_create/join/detach/exit/self/equal, attributes and scheduling
// parameters of threads. Cancellation, cleanup, keys and once are in
// pthread_cancel.cpp and pthread_keys.cpp.
#include <mm/heap.hpp>

#include <new>

#include "pthread_internal.hpp"

namespace vela {

constexpr std::uint32_t kAttrMagic = 0x41545452u;
constexpr std::size_t kMaxStack = 64 * 1024 * 1024;

Tcb* alloc_tcb() {
  void* mem = mm::kzalloc(sizeof(Tcb));
  return mem ? new (mem) Tcb() : nullptr;
}

void release_tcb(kernel::ProcessThread* rec) {
  auto* t = static_cast<Tcb*>(rec->personality);
  if (!t) return;
  t->magic = 0;
  t->~Tcb();
  mm::kfree(t);
}

bool valid_policy(int policy) {
  return policy == vabi::kSchedFifo || policy == vabi::kSchedRr || policy == vabi::kSchedOther;
}

bool valid_priority(int policy, int priority) {
  (void)policy;
  return priority >= 1 && priority <= sched::kMaxPriority;
}

sched::Policy to_sched_policy(int policy) {
  // NuttX has no fair class: SCHED_OTHER behaves as SCHED_RR there. (The
  // Linux personality maps its SCHED_OTHER to sched::Policy::Fair.)
  return policy == vabi::kSchedFifo ? sched::Policy::Fifo : sched::Policy::RoundRobin;
}

namespace {

void pthread_start(void*) {
  Tcb* self = current_tcb();
  self->rec = kernel::current_thread();
  // TLS (errno, stdio) and FP state for application code.
  void* r = runtime::run_app(self->start, self->arg);
  exit_thread(r);
}

}  // namespace
}  // namespace vela

using namespace vela;

VELA_API(int, pthread_attr_init, vabi::pthread_attr_t* a) {
  if (!a) return err(Error::INVAL);
  a->__magic = kAttrMagic;
  a->detachstate = vabi::kCreateJoinable;
  a->inheritsched = vabi::kInheritSched;
  a->policy = vabi::kSchedRr;
  a->scope = 0;
  a->priority = sched::kDefaultPriority;
  a->stacksize = 8192;
  return 0;
}

static bool attr_ok(const vabi::pthread_attr_t* a) { return a && a->__magic == kAttrMagic; }

VELA_API(int, pthread_attr_destroy, vabi::pthread_attr_t* a) {
  if (!attr_ok(a)) return err(Error::INVAL);
  a->__magic = 0;
  return 0;
}

VELA_API(int, pthread_attr_setdetachstate, vabi::pthread_attr_t* a, int s) {
  if (!attr_ok(a) || (s != vabi::kCreateJoinable && s != vabi::kCreateDetached))
    return err(Error::INVAL);
  a->detachstate = static_cast<std::uint8_t>(s);
  return 0;
}

VELA_API(int, pthread_attr_getdetachstate, const vabi::pthread_attr_t* a, int* s) {
  if (!attr_ok(a) || !s) return err(Error::INVAL);
  *s = a->detachstate;
  return 0;
}

VELA_API(int, pthread_attr_setstacksize, vabi::pthread_attr_t* a, std::size_t size) {
  if (!attr_ok(a) || size < 2048 || size > kMaxStack) return err(Error::INVAL);
  a->stacksize = size;
  return 0;
}

VELA_API(int, pthread_attr_getstacksize, const vabi::pthread_attr_t* a, std::size_t* size) {
  if (!attr_ok(a) || !size) return err(Error::INVAL);
  *size = a->stacksize;
  return 0;
}

VELA_API(int, pthread_attr_setschedparam, vabi::pthread_attr_t* a, const vabi::sched_param* p) {
  if (!attr_ok(a) || !p || !valid_priority(a->policy, p->sched_priority)) return err(Error::INVAL);
  a->priority = p->sched_priority;
  return 0;
}

VELA_API(int, pthread_attr_getschedparam, const vabi::pthread_attr_t* a, vabi::sched_param* p) {
  if (!attr_ok(a) || !p) return err(Error::INVAL);
  p->sched_priority = a->priority;
  return 0;
}

VELA_API(int, pthread_attr_setschedpolicy, vabi::pthread_attr_t* a, int policy) {
  if (!attr_ok(a) || !valid_policy(policy)) return err(Error::INVAL);
  a->policy = static_cast<std::uint8_t>(policy);
  return 0;
}

VELA_API(int, pthread_attr_getschedpolicy, const vabi::pthread_attr_t* a, int* policy) {
  if (!attr_ok(a) || !policy) return err(Error::INVAL);
  *policy = a->policy;
  return 0;
}

VELA_API(int, pthread_attr_setinheritsched, vabi::pthread_attr_t* a, int inherit) {
  if (!attr_ok(a) || (inherit != vabi::kInheritSched && inherit != vabi::kExplicitSched))
    return err(Error::INVAL);
  a->inheritsched = static_cast<std::uint8_t>(inherit);
  return 0;
}

VELA_API(int, pthread_attr_getinheritsched, const vabi::pthread_attr_t* a, int* inherit) {
  if (!attr_ok(a) || !inherit) return err(Error::INVAL);
  *inherit = a->inheritsched;
  return 0;
}

VELA_API(int, pthread_create, vabi::pthread_t* out, const vabi::pthread_attr_t* attr,
         void* (*start)(void*), void* arg) {
  if (!out || !start || (attr && !attr_ok(attr))) return err(Error::INVAL);
  Tcb* self = current_tcb();
  int policy = self ? self->policy : vabi::kSchedRr;
  int priority = self ? self->base_priority : sched::kDefaultPriority;
  bool detached = false;
  if (attr) {
    detached = attr->detachstate == vabi::kCreateDetached;
    if (attr->inheritsched == vabi::kExplicitSched || !self) {
      policy = attr->policy;
      priority = attr->priority;
    }
  }
  // TODO(sched): stack size is fixed by the scheduler (28 KiB); attr's
  // stacksize is validated and recorded only.
  Tcb* t = alloc_tcb();
  if (!t) return err(Error::AGAIN);
  t->start = start;
  t->arg = arg;
  t->policy = policy;
  t->base_priority = priority;
  kernel::ThreadParams params;
  params.name = kernel::current_process()->name;
  params.priority = priority;
  params.policy = to_sched_policy(policy);
  params.detached = detached;
  params.personality = t;
  auto rec = kernel::thread_spawn(kernel::current_process(), params, pthread_start, nullptr);
  if (!rec.ok()) {
    t->~Tcb();
    mm::kfree(t);
    return err(rec.error() == Error::NOMEM ? Error::AGAIN : rec.error());
  }
  (*rec)->release_personality = release_tcb;
  *out = (*rec)->tid;
  kernel::thread_put(*rec);
  return 0;
}

VELA_API(int, pthread_join, vabi::pthread_t tid, void** value) {
  cancellation_point();
  kernel::ProcessThread* me = kernel::current_thread();
  if (me && me->tid == tid) return err(Error::DEADLK);
  kernel::ProcessThread* rec = kernel::thread_get(tid);
  if (!rec) return err(Error::SRCH);
  auto* t = static_cast<Tcb*>(rec->personality);
  if (!t || t->is_task) {
    kernel::thread_put(rec);
    return err(Error::INVAL);  // not a pthread (a task's main thread)
  }
  Tcb* self = current_tcb();
  if (self) self->blocked_on.store(&rec->exit_waiters, std::memory_order_seq_cst);
  auto r = kernel::thread_join(
      rec, [](void* s) { return cancel_requested(static_cast<Tcb*>(s)); }, self);
  if (self) self->blocked_on.store(nullptr, std::memory_order_relaxed);
  if (r.ok() && value) *value = t->retval;
  kernel::thread_put(rec);
  if (!r.ok()) {
    if (r.error() == Error::INTR) cancellation_point();
    return err(r.error());
  }
  return 0;
}

VELA_API(int, pthread_detach, vabi::pthread_t tid) {
  kernel::ProcessThread* rec = kernel::thread_get(tid);
  if (!rec) return err(Error::SRCH);
  auto r = kernel::thread_detach(rec);
  kernel::thread_put(rec);
  return r.ok() ? 0 : err(r.error());
}

VELA_API([[noreturn]] void, pthread_exit, void* value) { exit_thread(value); }

VELA_API(vabi::pthread_t, pthread_self) {
  kernel::ProcessThread* rec = kernel::current_thread();
  return rec ? rec->tid : 0;
}

VELA_API(int, pthread_equal, vabi::pthread_t a, vabi::pthread_t b) { return a == b; }

VELA_API(int, pthread_getschedparam, vabi::pthread_t tid, int* policy, vabi::sched_param* p) {
  if (!policy || !p) return err(Error::INVAL);
  kernel::ProcessThread* rec = kernel::thread_get(tid);
  if (!rec) return err(Error::SRCH);
  auto* t = static_cast<Tcb*>(rec->personality);
  *policy = t ? t->policy : vabi::kSchedRr;
  const int prio = rec->thread ? sched::base_priority(rec->thread) : 0;
  p->sched_priority = prio < 0 ? 0 : prio;
  kernel::thread_put(rec);
  return 0;
}

namespace vela {
// Shared by pthread_setschedparam and sched_setscheduler/setparam.
int set_sched(kernel::ProcessThread* rec, int policy, int priority) {
  auto* t = static_cast<Tcb*>(rec->personality);
  if (!rec->thread || rec->exited.load()) return err(Error::SRCH);
  if (t) {
    t->policy = policy;
    t->base_priority = priority;
  }
  auto r = sched::set_policy(rec->thread, to_sched_policy(policy), priority);
  return r.ok() ? 0 : err(r.error());
}
}  // namespace vela

VELA_API(int, pthread_setschedparam, vabi::pthread_t tid, int policy, const vabi::sched_param* p) {
  if (!p || !valid_policy(policy) || !valid_priority(policy, p->sched_priority))
    return err(Error::INVAL);
  kernel::ProcessThread* rec = kernel::thread_get(tid);
  if (!rec) return err(Error::SRCH);
  const int r = set_sched(rec, policy, p->sched_priority);
  kernel::thread_put(rec);
  return r;
}

VELA_API(int, pthread_setschedprio, vabi::pthread_t tid, int prio) {
  kernel::ProcessThread* rec = kernel::thread_get(tid);
  if (!rec) return err(Error::SRCH);
  auto* t = static_cast<Tcb*>(rec->personality);
  const int policy = t ? t->policy : vabi::kSchedRr;
  const int r = valid_priority(policy, prio) ? set_sched(rec, policy, prio) : err(Error::INVAL);
  kernel::thread_put(rec);
  return r;
}

VELA_API(int, pthread_yield) {
  sched::yield();
  return 0;
}
