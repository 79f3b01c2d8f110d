// POSIX message queues: named queues that live until unlinked and closed,
// descriptors (mqd_t = slot + 1) with their own O_NONBLOCK, messages in
// priority order (FIFO within a priority) in slots allocated at creation,
// blocking sends/receives with timeouts, cancellation and EINTR, and
// mq_notify on the empty -> non-empty transition.
#include <mm/heap.hpp>

#include <new>

#include "signal_internal.hpp"
#include "wdog_internal.hpp"

namespace vela {
int work_queue_internal(int qid, vwd::work_s* w, vwd::worker_t fn, void* arg,
                        std::uint64_t delay_ns);
}

namespace vela {
namespace {

constexpr int kMaxDesc = 64;
constexpr long kDefaultMaxMsg = MQ_MAX_MSGS, kDefaultMsgSize = MQ_MAX_BYTES;
constexpr long kLimitMaxMsg = 1024, kLimitMsgSize = 65536;
constexpr int kSigevSignal = 2, kSigevThread = 3;
constexpr unsigned kPrioMax = 32;  // mqueue.h MQ_PRIO_MAX (the host limits.h has another)

struct Msg {
  Msg* next;
  unsigned prio;
  std::size_t len;
  char* data;
};

struct MQueue {
  char name[MQ_NAME_MAX + 1] = {};
  long maxmsg = 0, msgsize = 0, curmsgs = 0;
  Msg* head = nullptr;  // priority order, FIFO within a priority
  Msg* free = nullptr;
  long free_count = 0;  // slots not reserved by a sender
  void* storage = nullptr;
  klib::SpinLockIrq lock;  // messages, counts, notification
  sched::WaitQueue not_empty, not_full;
  int receivers = 0;  // blocked in mq_receive
  bool notify_set = false;
  int notify_pid = 0;
  vsig::sigevent notify{};
  vwd::work_s notify_work{};
  // Lifetime (g_lock): linked while named; freed once unlinked, closed and idle.
  MQueue* next = nullptr;
  bool linked = true;
  int opens = 0;
  int busy = 0;
};

struct Desc {
  MQueue* q = nullptr;
  int oflag = 0;
};

klib::SpinLockIrq g_lock;  // names, descriptors, lifetimes
MQueue* g_queues = nullptr;
Desc g_desc[kMaxDesc];

const char* strip(const char* name) { return name[0] == '/' ? name + 1 : name; }

bool same(const char* a, const char* b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}

MQueue* find_locked(const char* name) {
  for (MQueue* q = g_queues; q; q = q->next)
    if (same(q->name, name)) return q;
  return nullptr;
}

void unlink_locked(MQueue* q) {
  MQueue** pp = &g_queues;
  while (*pp && *pp != q) pp = &(*pp)->next;
  if (*pp) *pp = q->next;
  q->linked = false;
}

void destroy(MQueue* q) {
  mm::kfree(q->storage);
  q->~MQueue();
  mm::kfree(q);
}

// Drops a use; frees the queue when nothing refers to it any more.
void put(MQueue* q, bool close) {
  bool dead;
  {
    klib::SpinGuard guard(g_lock);
    if (close) {
      --q->opens;
    } else {
      --q->busy;
    }
    dead = !q->linked && q->opens == 0 && q->busy == 0;
  }
  if (dead) destroy(q);
}

// The queue behind a descriptor, held busy; nullptr (EBADF) if invalid.
MQueue* get(int d, int* oflag) {
  klib::SpinGuard guard(g_lock);
  if (d < 1 || d > kMaxDesc || !g_desc[d - 1].q) return nullptr;
  MQueue* q = g_desc[d - 1].q;
  ++q->busy;
  if (oflag) *oflag = g_desc[d - 1].oflag;
  return q;
}

MQueue* create(const char* name, long maxmsg, long msgsize) {
  void* mem = mm::kzalloc(sizeof(MQueue));
  if (!mem) return nullptr;
  auto* q = new (mem) MQueue();
  const std::size_t slot =
      (sizeof(Msg) + static_cast<std::size_t>(msgsize) + 15) & ~std::size_t{15};
  q->storage = mm::kmalloc(slot * static_cast<std::size_t>(maxmsg));
  if (!q->storage) {
    q->~MQueue();
    mm::kfree(q);
    return nullptr;
  }
  for (long i = 0; i < maxmsg; ++i) {
    auto* m = reinterpret_cast<Msg*>(static_cast<char*>(q->storage) + slot * i);
    m->data = reinterpret_cast<char*>(m + 1);
    m->next = q->free;
    q->free = m;
  }
  q->maxmsg = maxmsg;
  q->msgsize = msgsize;
  q->free_count = maxmsg;
  std::size_t i = 0;
  for (; name[i] && i < MQ_NAME_MAX; ++i) q->name[i] = name[i];
  return q;
}

void thread_notify(void* arg) {
  auto* ev = static_cast<vsig::sigevent*>(arg);
  if (ev->sigev_notify_function) ev->sigev_notify_function(ev->sigev_value);
}

// Queues a reserved slot; fires the notification on empty -> non-empty with
// nobody waiting to receive (POSIX), which also removes the registration.
void insert(MQueue* q, Msg* m) {
  bool fire = false;
  vsig::sigevent ev{};
  int pid = 0;
  {
    klib::SpinGuard guard(q->lock);
    Msg** pp = &q->head;
    while (*pp && (*pp)->prio >= m->prio) pp = &(*pp)->next;
    m->next = *pp;
    *pp = m;
    if (++q->curmsgs == 1 && q->notify_set && q->receivers == 0) {
      fire = true;
      ev = q->notify;
      pid = q->notify_pid;
      q->notify_set = false;
    }
  }
  q->not_empty.wake_one();
  if (!fire) return;
  if (ev.sigev_notify == kSigevSignal) {
    kernel::SigInfo info;
    info.signo = ev.sigev_signo;
    info.code = kernel::SigCode::MesgQ;
    info.sender = kernel::current_pid();
    info.value = reinterpret_cast<std::uintptr_t>(ev.sigev_value.sival_ptr);
    (void)kernel::signal_send_process(pid, info);
  } else if (ev.sigev_notify == kSigevThread) {
    q->notify = ev;  // stays valid for the worker (a new mq_notify waits for it)
    (void)work_queue_internal(LPWORK, &q->notify_work, thread_notify, &q->notify, 0);
  }
}

// How long a blocking send/receive may wait: forever, or until the
// CLOCK_REALTIME deadline of the timed variants (INVAL/TIMEDOUT when bad or past).
klib::Result<std::uint64_t> blocking_timeout(bool timed, const vsig::timespec* abstime) {
  if (!timed) return sched::kForever;
  return timeout_until(vsig::kClockRealtime, abstime);
}

int send(int d, const char* msg, std::size_t len, unsigned prio, const vsig::timespec* abstime,
         bool timed) {
  int oflag = 0;
  MQueue* q = get(d, &oflag);
  if (!q) return fail(Error::BADF);
  auto done = [&](int r) {
    put(q, false);
    return r;
  };
  if ((oflag & vsig::kOAccMode) == 0) return done(fail(Error::BADF));  // O_RDONLY
  if (!msg && len) return done(fail(Error::INVAL));
  if (static_cast<long>(len) > q->msgsize) return done(fail(Error::MSGSIZE));
  if (prio >= kPrioMax) return done(fail(Error::INVAL));
  Msg* m = nullptr;
  auto take = [&] {
    klib::SpinGuard guard(q->lock);
    if (!q->free) return false;
    m = q->free;
    q->free = m->next;
    --q->free_count;
    return true;
  };
  if (!take()) {
    if (oflag & vsig::kONonblock) return done(fail(Error::AGAIN));
    auto timeout = blocking_timeout(timed, abstime);
    if (!timeout) return done(fail(timeout.error()));
    auto r = wait_intr(q->not_full, take, *timeout);
    if (!r) {
      put(q, false);
      if (r.error() == Error::CANCELED) cancellation_point();
      if (r.error() == Error::INTR) return deliver_and_eintr();
      return fail(r.error());
    }
  }
  for (std::size_t i = 0; i < len; ++i) m->data[i] = msg[i];
  m->len = len;
  m->prio = prio;
  insert(q, m);
  done(0);
  kernel::signal_deliver();  // a notification to the sender itself
  return 0;
}

long receive(int d, char* buf, std::size_t len, unsigned* prio, const vsig::timespec* abstime,
             bool timed) {
  int oflag = 0;
  MQueue* q = get(d, &oflag);
  if (!q) return fail(Error::BADF);
  auto done = [&](long r) {
    put(q, false);
    return r;
  };
  if ((oflag & vsig::kOAccMode) == vsig::kOWronly) return done(fail(Error::BADF));
  if (!buf) return done(fail(Error::INVAL));
  if (static_cast<long>(len) < q->msgsize) return done(fail(Error::MSGSIZE));
  Msg* m = nullptr;
  auto take = [&] {
    klib::SpinGuard guard(q->lock);
    if (!q->head) return false;
    m = q->head;
    q->head = m->next;
    --q->curmsgs;
    return true;
  };
  if (!take()) {
    if (oflag & vsig::kONonblock) return done(fail(Error::AGAIN));
    auto timeout = blocking_timeout(timed, abstime);
    if (!timeout) return done(fail(timeout.error()));
    {
      klib::SpinGuard guard(q->lock);
      ++q->receivers;
    }
    auto r = wait_intr(q->not_empty, take, *timeout);
    {
      klib::SpinGuard guard(q->lock);
      --q->receivers;
    }
    if (!r) {
      put(q, false);
      if (r.error() == Error::CANCELED) cancellation_point();
      if (r.error() == Error::INTR) return deliver_and_eintr();
      return fail(r.error());
    }
  }
  for (std::size_t i = 0; i < m->len; ++i) buf[i] = m->data[i];
  const long n = static_cast<long>(m->len);
  if (prio) *prio = m->prio;
  {
    klib::SpinGuard guard(q->lock);
    m->next = q->free;
    q->free = m;
    ++q->free_count;
  }
  q->not_full.wake_one();
  return done(n);
}

}  // namespace
}  // namespace vela

using namespace vela;

VELA_API(int, mq_open, const char* name, int oflag, ...) {
  if (!name || !*strip(name)) return fail(Error::INVAL);
  name = strip(name);
  std::size_t n = 0;
  while (name[n]) ++n;
  if (n > MQ_NAME_MAX) return fail(Error::NAMETOOLONG);
  long maxmsg = kDefaultMaxMsg, msgsize = kDefaultMsgSize;
  if (oflag & vsig::kOCreat) {
    __builtin_va_list ap;
    __builtin_va_start(ap, oflag);
    (void)__builtin_va_arg(ap, unsigned);  // mode: no permissions in the flat build
    auto* attr = __builtin_va_arg(ap, const vsig::mq_attr*);
    __builtin_va_end(ap);
    if (attr) {
      if (attr->mq_maxmsg <= 0 || attr->mq_msgsize <= 0 || attr->mq_maxmsg > kLimitMaxMsg ||
          attr->mq_msgsize > kLimitMsgSize)
        return fail(Error::INVAL);
      maxmsg = attr->mq_maxmsg;
      msgsize = attr->mq_msgsize;
    }
  }
  MQueue* fresh = nullptr;
  for (;;) {
    {
      klib::SpinGuard guard(g_lock);
      MQueue* q = find_locked(name);
      if (q && (oflag & vsig::kOCreat) && (oflag & vsig::kOExcl)) {
        if (fresh) {
          destroy(fresh);  // under the lock is fine: kfree does not sleep
        }
        return fail(Error::EXIST);
      }
      if (!q && !(oflag & vsig::kOCreat)) return fail(Error::NOENT);
      if (!q && fresh) {
        fresh->next = g_queues;
        g_queues = fresh;
        q = fresh;
        fresh = nullptr;
      }
      if (q) {
        for (int i = 0; i < kMaxDesc; ++i) {
          if (g_desc[i].q) continue;
          g_desc[i].q = q;
          g_desc[i].oflag = oflag;
          ++q->opens;
          if (fresh) destroy(fresh);
          return i + 1;
        }
        if (fresh) destroy(fresh);
        if (q->opens == 0 && q->busy == 0 && q->curmsgs == 0 && !q->notify_set) {
          // Created just now and no descriptor left for it: undo.
          unlink_locked(q);
          destroy(q);
        }
        return fail(Error::MFILE);
      }
    }
    // Allocate outside the lock, then look again (someone may have won).
    fresh = create(name, maxmsg, msgsize);
    if (!fresh) return fail(Error::NOMEM);
  }
}

VELA_API(int, mq_close, int d) {
  MQueue* q;
  {
    klib::SpinGuard guard(g_lock);
    if (d < 1 || d > kMaxDesc || !g_desc[d - 1].q) return fail(Error::BADF);
    q = g_desc[d - 1].q;
    g_desc[d - 1] = Desc{};
  }
  {
    klib::SpinGuard guard(q->lock);
    if (q->notify_set && q->notify_pid == kernel::current_pid()) q->notify_set = false;
  }
  put(q, true);
  return 0;
}

VELA_API(int, mq_unlink, const char* name) {
  if (!name) return fail(Error::INVAL);
  name = strip(name);
  MQueue* dead = nullptr;
  {
    klib::SpinGuard guard(g_lock);
    MQueue* q = find_locked(name);
    if (!q) return fail(Error::NOENT);
    unlink_locked(q);
    if (q->opens == 0 && q->busy == 0) dead = q;
  }
  if (dead) destroy(dead);
  return 0;
}

VELA_API(int, mq_send, int d, const char* msg, std::size_t len, unsigned prio) {
  return send(d, msg, len, prio, nullptr, false);
}

VELA_API(int, mq_timedsend, int d, const char* msg, std::size_t len, unsigned prio,
         const vsig::timespec* abstime) {
  return send(d, msg, len, prio, abstime, true);
}

VELA_API(long, mq_receive, int d, char* buf, std::size_t len, unsigned* prio) {
  return receive(d, buf, len, prio, nullptr, false);
}

VELA_API(long, mq_timedreceive, int d, char* buf, std::size_t len, unsigned* prio,
         const vsig::timespec* abstime) {
  return receive(d, buf, len, prio, abstime, true);
}

VELA_API(int, mq_getattr, int d, vsig::mq_attr* attr) {
  int oflag = 0;
  MQueue* q = get(d, &oflag);
  if (!q) return fail(Error::BADF);
  if (attr) {
    klib::SpinGuard guard(q->lock);
    attr->mq_flags = oflag & vsig::kONonblock;
    attr->mq_maxmsg = q->maxmsg;
    attr->mq_msgsize = q->msgsize;
    attr->mq_curmsgs = q->curmsgs;
  }
  put(q, false);
  return attr ? 0 : fail(Error::INVAL);
}

VELA_API(int, mq_setattr, int d, const vsig::mq_attr* attr, vsig::mq_attr* oattr) {
  if (oattr && vela_mq_getattr(d, oattr) != 0) return -1;
  if (!attr) return fail(Error::INVAL);
  klib::SpinGuard guard(g_lock);
  if (d < 1 || d > kMaxDesc || !g_desc[d - 1].q) return fail(Error::BADF);
  Desc& desc = g_desc[d - 1];
  desc.oflag = (desc.oflag & ~vsig::kONonblock) | (attr->mq_flags & vsig::kONonblock);
  return 0;
}

VELA_API(int, mq_notify, int d, const vsig::sigevent* ev) {
  MQueue* q = get(d, nullptr);
  if (!q) return fail(Error::BADF);
  const int me = kernel::current_pid();
  int r = 0;
  if (ev && ev->sigev_notify == kSigevSignal && !kernel::sig_valid(ev->sigev_signo)) {
    r = fail(Error::INVAL);
  } else if (ev && ev->sigev_notify == kSigevThread && !ev->sigev_notify_function) {
    r = fail(Error::INVAL);
  } else {
    if (ev) signal_attach_current();
    klib::SpinGuard guard(q->lock);
    if (!ev) {
      if (q->notify_set && q->notify_pid == me) q->notify_set = false;
    } else if (q->notify_set) {
      r = -2;  // EBUSY after the lock
    } else {
      q->notify_set = true;
      q->notify_pid = me;
      q->notify = *ev;
    }
  }
  put(q, false);
  return r == -2 ? fail(Error::BUSY) : r;
}
