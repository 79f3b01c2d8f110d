// Queued signal instances: a fixed pool of nodes (generation may happen in
// interrupt context, e.g. a timer expiry, so no allocation there) and the
// per-thread/per-process FIFOs built from them.
#include <klib/spinlock.hpp>

#include "internal.hpp"

namespace kernel {
namespace {

#ifndef FUSION_SIGNAL_POOL
#define FUSION_SIGNAL_POOL 512  // the board's configuration may set fewer (cmake/kernel.cmake)
#endif
// POSIX SIGQUEUE_MAX is 32 per process; this is system-wide.
constexpr int kPoolSize = FUSION_SIGNAL_POOL;
SigNode g_pool[kPoolSize];
// Realtime (queued) instances may not take the last quarter of the pool:
// a program queueing without end must not starve the coalescing standard
// signals (^C, faults, SIGCHLD) of every other process.
constexpr int kReserve = kPoolSize / 4;
SigNode* g_free = nullptr;
int g_free_count = 0;
bool g_pool_ready = false;
klib::SpinLockIrq g_pool_lock;

}  // namespace

namespace detail {

SigNode* node_alloc(bool queued_kind) {
  klib::SpinGuard guard(g_pool_lock);
  if (!g_pool_ready) {
    for (auto& n : g_pool) {
      n.next = g_free;
      g_free = &n;
    }
    g_free_count = kPoolSize;
    g_pool_ready = true;
  }
  if (queued_kind && g_free_count <= kReserve) return nullptr;
  SigNode* n = g_free;
  if (n) {
    g_free = n->next;
    --g_free_count;
  }
  return n;
}

void node_free(SigNode* n) {
  klib::SpinGuard guard(g_pool_lock);
  n->next = g_free;
  g_free = n;
  ++g_free_count;
}

void queue_push(SigQueue& q, SigNode* n) {
  n->next = nullptr;
  if (q.tail) {
    q.tail->next = n;
  } else {
    q.head = n;
  }
  q.tail = n;
  q.pending |= sig_bit(n->info.signo);
}

// Removes the first instance of `signo`; recomputes the pending bit.
bool queue_take(SigQueue& q, int signo, SigInfo* out) {
  SigNode* prev = nullptr;
  for (SigNode* n = q.head; n; prev = n, n = n->next) {
    if (n->info.signo != signo) continue;
    if (prev) {
      prev->next = n->next;
    } else {
      q.head = n->next;
    }
    if (q.tail == n) q.tail = prev;
    if (out) *out = n->info;
    node_free(n);
    bool more = false;
    for (SigNode* m = q.head; m && !more; m = m->next) more = m->info.signo == signo;
    if (!more) q.pending &= ~sig_bit(signo);
    return true;
  }
  return false;
}

void queue_discard(SigQueue& q, int signo) {
  while (queue_take(q, signo, nullptr)) {
  }
}

}  // namespace detail

SigQueue::~SigQueue() {
  while (SigNode* n = head) {
    head = n->next;
    detail::node_free(n);
  }
}

}  // namespace kernel
