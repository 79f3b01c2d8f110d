// RunQueue: priority bitmap + per-priority FIFO lists + RR slice accounting
// for the RT class; a vruntime-sorted list for the fair class.
#include <sched/run_queue.hpp>

#include <klib/assert.hpp>

#include <bit>
#include <cstddef>

namespace sched {
namespace {

// 1024 / 1.25^nice, rounded, nice -20..19.
constexpr std::uint32_t kNiceWeights[kMaxNice - kMinNice + 1] = {
    88818, 71054, 56843, 45475, 36380, 29104, 23283, 18626, 14901, 11921, 9537, 7629, 6104, 4883,
    3906,  3125,  2500,  2000,  1600,  1280,  1024,  819,   655,   524,   419,  336,  268,  215,
    172,   137,   110,   88,    70,    56,    45,    36,    29,    23,    18,   15};

}  // namespace

std::uint32_t nice_to_weight(int nice) {
  if (nice < kMinNice) nice = kMinNice;
  if (nice > kMaxNice) nice = kMaxNice;
  return kNiceWeights[nice - kMinNice];
}

void RunQueue::mark(int prio) {
  const int w = prio / 64;
  bitmap_[w] |= std::uint64_t{1} << (prio % 64);
  summary_ |= 1u << w;
}

void RunQueue::unmark_if_empty(int prio) {
  if (!lists_[prio].empty()) return;
  const int w = prio / 64;
  bitmap_[w] &= ~(std::uint64_t{1} << (prio % 64));
  if (bitmap_[w] == 0) summary_ &= ~(1u << w);
}

SchedEntity* RunQueue::fair_owner(const klib::ListNode* n) {
  return reinterpret_cast<SchedEntity*>(reinterpret_cast<char*>(const_cast<klib::ListNode*>(n)) -
                                        offsetof(SchedEntity, link));
}

SchedEntity* RunQueue::fair_first() const {
  return fair_head_.next == &fair_head_ ? nullptr : fair_owner(fair_head_.next);
}

void RunQueue::fair_insert(SchedEntity* e) {
  // From the back: stop at the first vruntime <= ours, which keeps equals FIFO.
  klib::ListNode* pos = fair_head_.prev;
  while (pos != &fair_head_ && fair_owner(pos)->vruntime > e->vruntime) pos = pos->prev;
  klib::ListNode* n = &e->link;
  n->prev = pos;
  n->next = pos->next;
  pos->next->prev = n;
  pos->next = n;
  ++fair_count_;
}

void RunQueue::fair_remove(SchedEntity* e) {
  klib::ListNode* n = &e->link;
  n->prev->next = n->next;
  n->next->prev = n->prev;
  n->prev = n->next = nullptr;
  --fair_count_;
}

void RunQueue::update_min_vruntime(const SchedEntity* current) {
  // The floor follows the smallest vruntime still competing here (the
  // running fair thread or the leftmost queued one), never moving back.
  std::uint64_t lo = 0;
  bool any = false;
  if (current && current->fair()) {
    lo = current->vruntime;
    any = true;
  }
  if (const SchedEntity* f = fair_first()) {
    if (!any || f->vruntime < lo) lo = f->vruntime;
    any = true;
  }
  if (any && lo > min_vruntime_) min_vruntime_ = lo;
}

void RunQueue::enqueue_tail(SchedEntity* e) {
  KASSERT(!e->queued);
  if (e->fair()) {
    // Placement: a sleeper gets at most a small credit; a new thread starts
    // at the floor.
    const std::uint64_t floor =
        min_vruntime_ > kFairSleeperCreditNs ? min_vruntime_ - kFairSleeperCreditNs : 0;
    if (!e->placed) {
      e->vruntime = min_vruntime_;
      e->placed = true;
    } else if (e->vruntime < floor) {
      e->vruntime = floor;
    }
    if (e->slice_left_ns == 0) e->slice_left_ns = kFairSliceNs;
    fair_insert(e);
  } else {
    if (e->slice_left_ns == 0) e->slice_left_ns = slice_ns_;
    lists_[e->priority].push_back(e);
    mark(e->priority);
  }
  e->queued = true;
  ++count_;
}

void RunQueue::enqueue_head(SchedEntity* e) {
  if (e->fair()) return enqueue_tail(e);
  KASSERT(!e->queued);
  if (e->slice_left_ns == 0) e->slice_left_ns = slice_ns_;
  lists_[e->priority].push_front(e);
  e->queued = true;
  mark(e->priority);
  ++count_;
}

void RunQueue::requeue_preempted(SchedEntity* e) {
  if (e->fair()) {
    KASSERT(!e->queued);
    if (e->slice_left_ns == 0) e->slice_left_ns = kFairSliceNs;
    e->placed = true;
    fair_insert(e);
    e->queued = true;
    ++count_;
  } else if (e->policy == Policy::RoundRobin && e->slice_left_ns == 0) {
    enqueue_tail(e);  // refills the slice
  } else {
    enqueue_head(e);
  }
}

void RunQueue::dequeue(SchedEntity* e) {
  KASSERT(e->queued);
  if (e->fair()) {
    fair_remove(e);
  } else {
    lists_[e->priority].remove(e);
    unmark_if_empty(e->priority);
  }
  e->queued = false;
  --count_;
}

int RunQueue::highest_priority() const {
  if (summary_ == 0) return -1;
  const int w = static_cast<int>(std::bit_width(summary_)) - 1;
  return w * 64 + static_cast<int>(std::bit_width(bitmap_[w])) - 1;
}

SchedEntity* RunQueue::peek() const {
  const int p = highest_priority();
  return p < 0 ? fair_first() : lists_[p].front();
}

SchedEntity* RunQueue::pop() {
  SchedEntity* e = peek();
  if (e) {
    dequeue(e);
    if (e->fair()) update_min_vruntime(e);
  }
  return e;
}

bool RunQueue::charge(SchedEntity* current, std::uint64_t elapsed_ns) {
  if (current->fair()) {
    current->vruntime += elapsed_ns * kNice0Weight / (current->weight ? current->weight : 1);
    update_min_vruntime(current);
    if (highest_priority() >= 0) return true;  // any RT thread beats fair
    if (elapsed_ns < current->slice_left_ns) {
      current->slice_left_ns -= elapsed_ns;
      return false;
    }
    if (fair_count_ > 0) {
      current->slice_left_ns = 0;
      return true;
    }
    current->slice_left_ns = kFairSliceNs;
    return false;
  }
  if (highest_priority() > current->priority) return true;
  if (current->policy != Policy::RoundRobin) return false;
  if (elapsed_ns < current->slice_left_ns) {
    current->slice_left_ns -= elapsed_ns;
    return false;
  }
  if (count_at(current->priority) > 0) {
    // Leave the slice at 0 so requeue_preempted sends it to the tail.
    current->slice_left_ns = 0;
    return true;
  }
  current->slice_left_ns = slice_ns_;  // alone at its level: keep running
  return false;
}

bool RunQueue::should_preempt(const SchedEntity* current, const SchedEntity& woken) {
  if (current == nullptr) return true;
  if (!woken.fair()) return current->fair() || woken.priority > current->priority;
  if (!current->fair()) return false;
  return woken.vruntime + kFairWakeupGranNs < current->vruntime;
}

bool RunQueue::needs_slice_timer(const SchedEntity* current) const {
  if (current == nullptr) return false;
  if (current->fair()) return fair_count_ > 0;
  return current->policy == Policy::RoundRobin && count_at(current->priority) > 0;
}

void RunQueue::rebase_vruntime(SchedEntity* e, const RunQueue& from, const RunQueue& to) {
  if (!e->placed) return;
  // Signed lag against the old floor, re-applied to the new one.
  const auto lag = static_cast<std::int64_t>(e->vruntime - from.min_vruntime_);
  const auto base = static_cast<std::int64_t>(to.min_vruntime_);
  e->vruntime = base + lag < 0 ? 0 : static_cast<std::uint64_t>(base + lag);
}

bool RunQueue::check_invariants() const {
  std::size_t total = 0;
  std::uint32_t summary = 0;
  for (int p = 0; p < kNumPriorities; ++p) {
    const bool bit = (bitmap_[p / 64] >> (p % 64)) & 1;
    if (bit != !lists_[p].empty()) return false;
    total += lists_[p].size();
    if (bit) summary |= 1u << (p / 64);
  }
  std::size_t fair = 0;
  std::uint64_t last = 0;
  for (const klib::ListNode* n = fair_head_.next; n != &fair_head_; n = n->next) {
    const SchedEntity* e = fair_owner(n);
    if (!e->fair() || !e->queued || e->vruntime < last) return false;
    last = e->vruntime;
    ++fair;
  }
  return fair == fair_count_ && total + fair == count_ && summary == summary_;
}

}  // namespace sched
