// Per-CPU run queue policy. Real-time class: 256 fixed priorities with a
// bitmap for O(1) pick-highest, FIFO order among equals and round-robin time
// slices. Fair class, below every RT priority: weighted virtual runtime
// (CFS-like) in a vruntime-sorted list. Portable and lock-free by itself: the
// kernel holds the owning CPU's lock around every call; host tests drive it
// directly.
#pragma once

#include <klib/list.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace sched {

// Priority 0 is the lowest, 255 the highest (POSIX/NuttX order). The idle
// thread is not in any run queue; it runs when the queue is empty.
inline constexpr int kNumPriorities = 256;
inline constexpr int kMinPriority = 0;
inline constexpr int kMaxPriority = kNumPriorities - 1;
inline constexpr std::uint64_t kDefaultRrSliceNs = 10'000'000;  // 10 ms

// Fair class tuning. A fair thread runs for a slice of wall time before the
// one with the smallest vruntime gets the CPU; a woken sleeper is placed no
// further back than min_vruntime - kFairSleeperCreditNs (so a long sleep
// cannot bank credit to starve others), and preempts a running fair thread
// only if it is ahead by more than kFairWakeupGranNs.
inline constexpr std::uint64_t kFairSliceNs = 4'000'000;
inline constexpr std::uint64_t kFairSleeperCreditNs = kFairSliceNs / 2;
inline constexpr std::uint64_t kFairWakeupGranNs = 1'000'000;
inline constexpr int kMinNice = -20;
inline constexpr int kMaxNice = 19;
inline constexpr std::uint32_t kNice0Weight = 1024;
inline constexpr std::uint32_t kIdlePolicyWeight = 3;

enum class Policy : std::uint8_t {
  Fifo,        // RT: runs until it blocks, yields or a higher priority preempts it
  RoundRobin,  // RT: like Fifo, but rotates among equals after each time slice
  Fair,        // below all RT: CPU shared by weight (nice), Linux SCHED_OTHER
  Idle,        // fair class with the smallest weight (SCHED_IDLE)
};

constexpr bool is_fair_policy(Policy p) { return p == Policy::Fair || p == Policy::Idle; }

// Weight of a nice level: 1024 at nice 0, each step about 1.25x (so one nice
// step is ~10% of CPU between two competing threads). nice is clamped.
std::uint32_t nice_to_weight(int nice);

// The part of a thread the policy sees. sched::Thread embeds one; tests use
// it alone. `policy`/`priority` are the *effective* values (priority
// inheritance may lift a Fair thread into the RT class); the thread keeps
// its base values elsewhere.
struct SchedEntity {
  klib::ListNode link;        // run queue membership (RT list or fair list)
  std::uint8_t priority = 0;  // RT classes only
  Policy policy = Policy::RoundRobin;
  bool queued = false;
  std::uint64_t slice_left_ns = 0;  // RR and fair; refilled when exhausted
  // Fair class.
  std::uint32_t weight = kNice0Weight;
  std::uint64_t vruntime = 0;
  bool placed = false;  // vruntime has been placed on some queue once

  bool fair() const { return is_fair_policy(policy); }
};

class RunQueue {
 public:
  explicit RunQueue(std::uint64_t rr_slice_ns = kDefaultRrSliceNs) : slice_ns_(rr_slice_ns) {}
  RunQueue(const RunQueue&) = delete;
  RunQueue& operator=(const RunQueue&) = delete;

  void set_rr_slice_ns(std::uint64_t ns) { slice_ns_ = ns; }
  std::uint64_t rr_slice_ns() const { return slice_ns_; }

  // Newly runnable (created, woken, yielded): tail of its priority list. A
  // thread with no slice left gets a fresh one. A fair entity is placed at
  // max(its vruntime, min_vruntime - sleeper credit).
  void enqueue_tail(SchedEntity* e);
  // Head of its priority list: runs next among equals. Fair: as enqueue_tail.
  void enqueue_head(SchedEntity* e);
  // A running thread that lost the CPU involuntarily. POSIX: a preempted
  // thread goes back to the head of its list and keeps the rest of its
  // slice; an RR thread whose slice ran out goes to the tail with a new one.
  // Fair: back in vruntime order, no placement.
  void requeue_preempted(SchedEntity* e);
  void dequeue(SchedEntity* e);

  // Highest-priority queued entity: the head of the top RT list, else the
  // fair entity with the smallest vruntime; nullptr when empty.
  SchedEntity* peek() const;
  SchedEntity* pop();

  // Highest queued RT priority, -1 when no RT entity is queued.
  int highest_priority() const;
  bool empty() const { return count_ == 0; }
  std::size_t size() const { return count_; }
  std::size_t count_at(int priority) const { return lists_[priority].size(); }
  std::size_t fair_count() const { return fair_count_; }
  // Monotonic floor of the fair vruntimes on this queue.
  std::uint64_t min_vruntime() const { return min_vruntime_; }

  // Charges `elapsed_ns` of CPU time to `current` (running, not queued).
  // Returns true when the CPU should reschedule: a queued thread outranks
  // it, or its slice ran out while a peer (equal RT priority, or any fair
  // thread for a fair current) waits. An exhausted slice with no peer
  // waiting is simply refilled.
  bool charge(SchedEntity* current, std::uint64_t elapsed_ns);

  // Should `woken` (just enqueued) take the CPU from `current`? nullptr
  // current means the CPU is idle. RT beats fair; among RT strictly higher
  // priority; among fair a vruntime lead of more than kFairWakeupGranNs.
  static bool should_preempt(const SchedEntity* current, const SchedEntity& woken);

  // True when `current` needs a slice timer: an equal-priority RR peer or,
  // for a fair current, another fair thread is queued. Otherwise the CPU can
  // run tickless.
  bool needs_slice_timer(const SchedEntity* current) const;

  // A fair entity leaving this queue for another CPU keeps its lag relative
  // to min_vruntime: rebase(e, from, to) on migration.
  static void rebase_vruntime(SchedEntity* e, const RunQueue& from, const RunQueue& to);

  // Visits queued entities, highest RT priority first then fair by
  // vruntime, until fn returns true; returns that entity or nullptr.
  template <typename Fn>
  SchedEntity* find(Fn&& fn) const {
    for (int p = highest_priority(); p >= 0; --p) {
      for (SchedEntity* e = lists_[p].front(); e; e = lists_[p].next(e))
        if (fn(e)) return e;
    }
    for (klib::ListNode* n = fair_head_.next; n != &fair_head_; n = n->next)
      if (fn(fair_owner(n))) return fair_owner(n);
    return nullptr;
  }

  // Debug/test: bitmap agrees with the lists and the count; fair list sorted.
  bool check_invariants() const;

 private:
  using PrioList = klib::List<SchedEntity, &SchedEntity::link>;
  static constexpr int kWords = kNumPriorities / 64;

  void mark(int prio);
  void unmark_if_empty(int prio);
  void fair_insert(SchedEntity* e);
  void fair_remove(SchedEntity* e);
  SchedEntity* fair_first() const;
  void update_min_vruntime(const SchedEntity* current);
  static SchedEntity* fair_owner(const klib::ListNode* n);

  std::array<PrioList, kNumPriorities> lists_;
  std::array<std::uint64_t, kWords> bitmap_{};  // bit p%64 of word p/64: list p non-empty
  std::uint32_t summary_ = 0;                   // bit w: bitmap_[w] != 0
  std::size_t count_ = 0;
  std::uint64_t slice_ns_;
  // Fair class: circular list with a sentinel, sorted by vruntime (FIFO
  // among equals). O(n) insertion; n is small per CPU.
  mutable klib::ListNode fair_head_{&fair_head_, &fair_head_};
  std::size_t fair_count_ = 0;
  std::uint64_t min_vruntime_ = 0;
};

}  // namespace sched
