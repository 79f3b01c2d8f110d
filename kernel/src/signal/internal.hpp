// Shared between the signal core's files; not a public interface.
// Lock order: the process registry lock, a process's SignalState::lock, a
// wait queue's lock (senders wake waiters under the signal lock, so a waiter
// clearing waiting_on under it keeps its queue alive), the node pool lock.
// Wait conditions read only atomics, never the signal lock.
#pragma once

#include <kernel/process.hpp>
#include <kernel/signal.hpp>

namespace kernel {

struct SigNode {
  SigInfo info;
  SigNode* next = nullptr;
};

namespace detail {

// nullptr when the pool is empty, or for a queued (realtime) instance when
// only the reserve kept for standard signals is left.
SigNode* node_alloc(bool queued_kind);
void node_free(SigNode* n);
void queue_push(SigQueue& q, SigNode* n);
bool queue_take(SigQueue& q, int signo, SigInfo* out);
void queue_discard(SigQueue& q, int signo);

// The process's rules, adopting the default ones on first use (lock held).
const SignalRules* rules_locked(Process* p);

// The process's rules build user-mode frames (SignalRules::user_return).
// Read without the lock: a process's rules are set before its threads run.
inline bool user_mode_rules(const Process* p) {
  return p->signals.rules && p->signals.rules->user_return;
}

// Lowest number in `set`, 0 if empty.
inline int lowest(SigSet set) { return set ? __builtin_ctzll(set) : 0; }

}  // namespace detail
}  // namespace kernel
