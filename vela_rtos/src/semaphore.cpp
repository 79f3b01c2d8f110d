// POSIX semaphores: sem_init/destroy/wait/trywait/timedwait/clockwait/post/
// getvalue over a sched::WaitQueue, and named semaphores (sem_open/close/
// unlink) in a small kernel registry. sem_wait/timedwait are cancellation
// points and are interrupted by signals (EINTR once the handler ran). These
// return -1 and set errno.
#include <klib/spinlock.hpp>
#include <mm/heap.hpp>

#include <new>

#include "signal_internal.hpp"

using namespace vela;

namespace {

constexpr std::uint32_t kMagic = 0x53454d41u;
constexpr std::uint16_t kNamed = 1;
constexpr int kValueMax = 0x7fff;
constexpr std::size_t kNameMax = 32;
static_assert(sizeof(sched::WaitQueue) <= sizeof(vabi::sem_t::__k));

sched::WaitQueue& queue(vabi::sem_t* s) {
  return *std::launder(reinterpret_cast<sched::WaitQueue*>(s->__k));
}

bool ok(vabi::sem_t* s) { return s && s->__magic == kMagic; }

void setup(vabi::sem_t* s, unsigned value, std::uint16_t flags) {
  new (s->__k) sched::WaitQueue();
  s->__count = static_cast<std::int32_t>(value);
  s->__waiters = 0;
  s->__flags = flags;
  s->__named_refs = 0;
  s->__magic = kMagic;
}

int wait(vabi::sem_t* s, vabi::clockid_t clock, const vabi::timespec* abstime) {
  if (!ok(s)) return fail(Error::INVAL);
  cancellation_point();
  sched::WaitQueue& wq = queue(s);
  auto take = [s] {
    if (s->__count <= 0) return false;
    --s->__count;
    return true;
  };
  std::uint64_t timeout = sched::kForever;
  {
    klib::SpinGuard guard(wq.lock());
    if (take()) return 0;
    ++s->__waiters;
  }
  klib::Result<void> r = klib::ok();
  if (abstime) {
    // POSIX: the timeout is validated only when the call would block.
    auto t = timeout_until(clock, abstime);
    if (!t.ok()) {
      r = klib::Err(t.error());
    } else {
      timeout = *t;
    }
  }
  // Interruptible: a signal ends the wait with EINTR after its handler ran.
  if (r.ok()) r = wait_intr(wq, take, timeout);
  {
    klib::SpinGuard guard(wq.lock());
    --s->__waiters;
  }
  if (r.ok()) return 0;
  if (r.error() == Error::CANCELED) cancellation_point();
  if (r.error() == Error::INTR) return deliver_and_eintr();
  return fail(r.error());
}

struct Named {
  char name[kNameMax];
  vabi::sem_t sem;
  int refs;
  bool unlinked;
  Named* next;
};
klib::SpinLockIrq g_named_lock;
Named* g_named = nullptr;

// Names: an optional leading '/', then 1..kNameMax-1 characters.
Error check_name(const char* name, const char** out) {
  if (!name) return Error::INVAL;
  if (*name == '/') ++name;
  std::size_t n = 0;
  while (name[n]) ++n;
  if (n == 0) return Error::INVAL;
  if (n >= kNameMax) return Error::NAMETOOLONG;
  *out = name;
  return Error{};
}

bool same(const char* a, const char* b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}

Named* find_locked(const char* name) {
  for (Named* n = g_named; n; n = n->next)
    if (!n->unlinked && same(n->name, name)) return n;
  return nullptr;
}

void unlink_locked(Named* n) {
  for (Named** p = &g_named; *p; p = &(*p)->next) {
    if (*p == n) {
      *p = n->next;
      return;
    }
  }
}

Named* owner_of(vabi::sem_t* s) {
  return reinterpret_cast<Named*>(reinterpret_cast<char*>(s) - offsetof(Named, sem));
}

}  // namespace

VELA_API(int, sem_init, vabi::sem_t* s, int pshared, unsigned value) {
  if (!s || value > kValueMax || (pshared != 0 && pshared != 1)) return fail(Error::INVAL);
  setup(s, value, 0);
  return 0;
}

VELA_API(int, sem_destroy, vabi::sem_t* s) {
  if (!ok(s) || (s->__flags & kNamed)) return fail(Error::INVAL);
  klib::SpinGuard guard(queue(s).lock());
  if (s->__waiters != 0) return fail(Error::BUSY);
  s->__magic = 0;
  return 0;
}

VELA_API(int, sem_wait, vabi::sem_t* s) { return wait(s, vabi::kClockRealtime, nullptr); }

VELA_API(int, sem_timedwait, vabi::sem_t* s, const vabi::timespec* abstime) {
  if (!abstime) return fail(Error::INVAL);
  return wait(s, vabi::kClockRealtime, abstime);
}

VELA_API(int, sem_clockwait, vabi::sem_t* s, vabi::clockid_t clock, const vabi::timespec* abstime) {
  if (!abstime) return fail(Error::INVAL);
  return wait(s, clock, abstime);
}

VELA_API(int, sem_trywait, vabi::sem_t* s) {
  if (!ok(s)) return fail(Error::INVAL);
  klib::SpinGuard guard(queue(s).lock());
  if (s->__count <= 0) return fail(Error::AGAIN);
  --s->__count;
  return 0;
}

VELA_API(int, sem_post, vabi::sem_t* s) {
  if (!ok(s)) return fail(Error::INVAL);
  sched::WaitQueue& wq = queue(s);
  {
    klib::SpinGuard guard(wq.lock());
    if (s->__count >= kValueMax) return fail(Error::OVERFLOW);
    ++s->__count;
    wq.wake_one_locked();
  }
  sched::preempt_point();  // a woken higher-priority waiter runs now
  return 0;
}

VELA_API(int, sem_getvalue, vabi::sem_t* s, int* value) {
  if (!ok(s) || !value) return fail(Error::INVAL);
  klib::SpinGuard guard(queue(s).lock());
  // NuttX: a negative value counts the waiters.
  *value = s->__count > 0 ? s->__count : -static_cast<int>(s->__waiters);
  return 0;
}

VELA_API(vabi::sem_t*, sem_open, const char* name, int oflag, ...) {
  const char* key = nullptr;
  if (Error e = check_name(name, &key); e != Error{}) {
    fail(e);
    return nullptr;
  }
  unsigned value = 0;
  if (oflag & vabi::kOCreat) {
    __builtin_va_list ap;
    __builtin_va_start(ap, oflag);
    (void)__builtin_va_arg(ap, unsigned);  // mode: no permissions in the flat build
    value = __builtin_va_arg(ap, unsigned);
    __builtin_va_end(ap);
    if (value > kValueMax) {
      fail(Error::INVAL);
      return nullptr;
    }
  }
  auto* fresh = (oflag & vabi::kOCreat) ? static_cast<Named*>(mm::kzalloc(sizeof(Named))) : nullptr;
  Named* result = nullptr;
  Error error{};
  {
    klib::SpinGuard guard(g_named_lock);
    if (Named* n = find_locked(key)) {
      if ((oflag & vabi::kOCreat) && (oflag & vabi::kOExcl)) {
        error = Error::EXIST;
      } else {
        ++n->refs;
        result = n;
      }
    } else if (!(oflag & vabi::kOCreat)) {
      error = Error::NOENT;
    } else if (!fresh) {
      error = Error::NOMEM;
    } else {
      std::size_t i = 0;
      for (; key[i]; ++i) fresh->name[i] = key[i];
      fresh->name[i] = '\0';
      setup(&fresh->sem, value, kNamed);
      fresh->refs = 1;
      fresh->next = g_named;
      g_named = fresh;
      result = fresh;
      fresh = nullptr;
    }
  }
  mm::kfree(fresh);
  if (!result) {
    fail(error);
    return nullptr;
  }
  return &result->sem;
}

VELA_API(int, sem_close, vabi::sem_t* s) {
  if (!ok(s) || !(s->__flags & kNamed)) return fail(Error::INVAL);
  Named* n = owner_of(s);
  bool free_it = false;
  {
    klib::SpinGuard guard(g_named_lock);
    if (n->refs <= 0) return fail(Error::INVAL);
    free_it = --n->refs == 0 && n->unlinked;
    if (free_it) unlink_locked(n);
  }
  if (free_it) {
    n->sem.__magic = 0;
    mm::kfree(n);
  }
  return 0;
}

VELA_API(int, sem_unlink, const char* name) {
  const char* key = nullptr;
  if (Error e = check_name(name, &key); e != Error{}) return fail(e);
  Named* n;
  bool free_it;
  {
    klib::SpinGuard guard(g_named_lock);
    n = find_locked(key);
    if (!n) return fail(Error::NOENT);
    n->unlinked = true;
    free_it = n->refs == 0;
    if (free_it) unlink_locked(n);
  }
  if (free_it) {
    n->sem.__magic = 0;
    mm::kfree(n);
  }
  return 0;
}
