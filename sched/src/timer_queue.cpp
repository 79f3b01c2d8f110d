// TimerQueue: a sorted intrusive list. Insertion is O(n) in the number of
// pending timers on one CPU (small in practice); expiry and next_deadline are
// O(1). A pairing heap can replace it behind the same interface.
#include <sched/timer_queue.hpp>

#include <klib/assert.hpp>

#include <cstddef>

namespace sched {

Timer* TimerQueue::owner(klib::ListNode* n) {
  return reinterpret_cast<Timer*>(reinterpret_cast<char*>(n) - offsetof(Timer, node));
}

Timer* TimerQueue::Ring::first() const { return empty() ? nullptr : owner(head.next); }
Timer* TimerQueue::Ring::last() const { return empty() ? nullptr : owner(head.prev); }

void TimerQueue::link_before(klib::ListNode* pos, klib::ListNode* n) {
  n->next = pos;
  n->prev = pos->prev;
  pos->prev->next = n;
  pos->prev = n;
}

void TimerQueue::unlink(klib::ListNode* n) {
  n->prev->next = n->next;
  n->next->prev = n->prev;
  n->prev = n->next = nullptr;
}

bool TimerQueue::add(Timer* t, std::uint64_t deadline) {
  cancel(t);
  t->deadline = deadline;
  t->state = Timer::State::Queued;
  // Walk from the back: new timers usually expire after the ones already
  // queued, and stopping at the first deadline <= ours keeps ties FIFO.
  klib::ListNode* pos = queued_.head.prev;
  while (pos != &queued_.head && owner(pos)->deadline > deadline) pos = pos->prev;
  link_before(pos->next, &t->node);
  ++size_;
  return queued_.head.next == &t->node;
}

bool TimerQueue::cancel(Timer* t) {
  switch (t->state) {
    case Timer::State::Queued:
      unlink(&t->node);
      --size_;
      break;
    case Timer::State::Expiring:
      unlink(&t->node);
      break;
    case Timer::State::Idle:
      return false;
  }
  t->state = Timer::State::Idle;
  return true;
}

std::optional<std::uint64_t> TimerQueue::next_deadline() const {
  const Timer* t = queued_.first();
  if (!t) return std::nullopt;
  return t->deadline;
}

Timer* TimerQueue::pop_expired(std::uint64_t now) {
  Timer* t = queued_.first();
  if (!t || t->deadline > now) return nullptr;
  cancel(t);
  return t;
}

std::size_t TimerQueue::expire(std::uint64_t now) {
  KASSERT(expiring_.empty());  // not reentrant
  while (Timer* t = queued_.first()) {
    if (t->deadline > now) break;
    unlink(&t->node);
    --size_;
    link_before(&expiring_.head, &t->node);
    t->state = Timer::State::Expiring;
  }
  std::size_t fired = 0;
  while (Timer* t = expiring_.first()) {
    unlink(&t->node);
    t->state = Timer::State::Idle;
    ++fired;
    if (t->callback) t->callback(t, t->arg);
  }
  return fired;
}

}  // namespace sched
