// Priority inheritance, portable part: thread ranks across classes, the
// effective-rank rule and the bounded chain walks (boost propagation and
// deadlock detection). The kernel's Mutex supplies the graph through an
// Ops object under its PI lock; host tests supply a mock graph.
#pragma once

#include <sched/run_queue.hpp>

#include <span>

namespace sched {

// One scale for comparing threads of both classes: RT priority 0..255, any
// fair thread below all of them, idle below everything.
inline constexpr int kFairRank = -1;
inline constexpr int kIdleRank = -2;
// Longest owner chain walked; a longer one is reported as a deadlock
// (Linux does the same with its max_lock_depth).
inline constexpr int kPiMaxDepth = 16;

constexpr int rank_of(Policy policy, int priority) {
  return is_fair_policy(policy) ? kFairRank : priority;
}

// A thread's effective rank: its own, or the best top waiter of the
// inheriting mutexes it holds, whichever is higher.
constexpr int pi_effective_rank(int base_rank, std::span<const int> top_waiter_ranks) {
  int r = base_rank;
  for (int w : top_waiter_ranks)
    if (w > r) r = w;
  return r;
}

// Ops over a graph of threads (Node*):
//   Node* blocked_owner(Node* n): owner of the mutex n is blocked on, or null
//   bool inherits(Node* n):       that mutex passes priority to its owner
//   int rank(Node* n):            effective rank now
//   int wanted_rank(Node* n):     pi_effective_rank from n's base and held mutexes
//   void set_rank(Node* n, int):  apply (requeue in run/wait queues)

// Would `self` blocking on a mutex owned by `owner` close a cycle? Also true
// when the chain is longer than max_depth (treated as a deadlock).
template <typename Node, typename Ops>
bool pi_would_deadlock(Ops& ops, Node* self, Node* owner, int max_depth = kPiMaxDepth) {
  Node* o = owner;
  for (int depth = 0; o; ++depth) {
    if (o == self || depth >= max_depth) return true;
    o = ops.blocked_owner(o);
  }
  return false;
}

// `n`'s rank changed or it started waiting: re-derive the owners' ranks up
// the chain, stopping where nothing changes, at a non-inheriting mutex or
// after max_depth hops. Returns the number of threads whose rank changed.
template <typename Node, typename Ops>
int pi_propagate(Ops& ops, Node* n, int max_depth = kPiMaxDepth) {
  int changed = 0;
  for (int depth = 0; n && depth < max_depth; ++depth) {
    if (!ops.inherits(n)) break;
    Node* o = ops.blocked_owner(n);
    if (!o || o == n) break;
    const int r = ops.wanted_rank(o);
    if (r == ops.rank(o)) break;
    ops.set_rank(o, r);
    ++changed;
    n = o;
  }
  return changed;
}

}  // namespace sched
