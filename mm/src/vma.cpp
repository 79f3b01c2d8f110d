// VmaSet: a sorted intrusive list. Processes have tens of areas, so linear
// walks are cheap; a tree can replace the list behind the same interface.
#include <mm/vma.hpp>

#include <new>

namespace mm {

namespace {
bool aligned(std::uintptr_t a) { return (a & (VmaSet::kPage - 1)) == 0; }
}  // namespace

VmaSet::~VmaSet() {
  while (Vma* v = list_.pop_front()) {
    v->~Vma();
    alloc_.free(v);
  }
}

Vma* VmaSet::make(std::uintptr_t start, std::uintptr_t end, unsigned prot, VmaKind kind) {
  void* mem = alloc_.alloc(sizeof(Vma));
  if (!mem) return nullptr;
  Vma* v = new (mem) Vma();
  v->start = start;
  v->end = end;
  v->prot = prot;
  v->kind = kind;
  return v;
}

klib::Result<void> VmaSet::copy_from(const VmaSet& other) {
  if (!list_.empty()) return klib::Err(klib::Error::INVAL);
  bool failed = false;
  // other is sorted, so appending keeps this one sorted.
  other.list_.for_each([&](Vma* v) {
    if (failed) return;
    Vma* copy = make(v->start, v->end, v->prot, v->kind);
    if (!copy) {
      failed = true;
      return;
    }
    list_.push_back(copy);
  });
  if (!failed) return klib::ok();
  while (Vma* v = list_.pop_front()) {
    v->~Vma();
    alloc_.free(v);
  }
  return klib::Err(klib::Error::NOMEM);
}

void VmaSet::insert_sorted(Vma* v) {
  Vma* after = nullptr;  // the last area starting below v
  list_.for_each([&](Vma* cur) {
    if (cur->start < v->start) after = cur;
  });
  if (!after) {
    list_.push_front(v);
    return;
  }
  // List has no insert_after: rebuild the tail order by moving the rest.
  Vma* rest = list_.next(after);
  if (!rest) {
    list_.push_back(v);
    return;
  }
  // Rotate: take every element from `rest` on, append v, then them.
  klib::List<Vma, &Vma::link> tail;
  for (Vma* cur = rest; cur;) {
    Vma* next = list_.next(cur);
    list_.remove(cur);
    tail.push_back(cur);
    cur = next;
  }
  list_.push_back(v);
  while (Vma* cur = tail.pop_front()) list_.push_back(cur);
}

klib::Result<Vma*> VmaSet::insert(std::uintptr_t start, std::uintptr_t end, unsigned prot,
                                  VmaKind kind) {
  if (start >= end || !aligned(start) || !aligned(end)) return klib::Err(klib::Error::INVAL);
  if (overlaps(start, end)) return klib::Err(klib::Error::EXIST);
  Vma* v = make(start, end, prot, kind);
  if (!v) return klib::Err(klib::Error::NOMEM);
  insert_sorted(v);
  return v;
}

const Vma* VmaSet::find(std::uintptr_t addr) const {
  const Vma* found = nullptr;
  list_.for_each([&](Vma* v) {
    if (!found && addr >= v->start && addr < v->end) found = v;
  });
  return found;
}

bool VmaSet::overlaps(std::uintptr_t start, std::uintptr_t end) const {
  bool hit = false;
  list_.for_each([&](Vma* v) {
    if (v->start < end && start < v->end) hit = true;
  });
  return hit;
}

klib::Result<std::size_t> VmaSet::remove(std::uintptr_t start, std::uintptr_t end) {
  if (start >= end || !aligned(start) || !aligned(end)) return klib::Err(klib::Error::INVAL);
  // An area strictly containing the range needs one new node: get it first,
  // so a failure leaves the set untouched.
  Vma* spare = nullptr;
  list_.for_each([&](Vma* v) {
    if (v->start < start && v->end > end && !spare) {
      spare = make(end, v->end, v->prot, v->kind);
      if (!spare) spare = reinterpret_cast<Vma*>(1);  // marks the failure
    }
  });
  if (spare == reinterpret_cast<Vma*>(1)) return klib::Err(klib::Error::NOMEM);
  std::size_t covered = 0;
  list_.for_each([&](Vma* v) {
    if (v->end <= start || v->start >= end) return;
    const std::uintptr_t lo = v->start > start ? v->start : start;
    const std::uintptr_t hi = v->end < end ? v->end : end;
    covered += hi - lo;
    if (v->start < start && v->end > end) {  // split: v keeps the low part
      v->end = start;
      return;
    }
    if (v->start >= start && v->end <= end) {  // entirely inside
      list_.remove(v);
      v->~Vma();
      alloc_.free(v);
      return;
    }
    if (v->start < start) {
      v->end = start;  // keeps its head
    } else {
      v->start = end;  // keeps its tail
    }
  });
  if (spare) insert_sorted(spare);
  return covered;
}

klib::Result<void> VmaSet::protect(std::uintptr_t start, std::uintptr_t end, unsigned prot) {
  if (start >= end || !aligned(start) || !aligned(end)) return klib::Err(klib::Error::INVAL);
  // Covered without holes?
  std::uintptr_t reach = start;
  list_.for_each([&](Vma* v) {
    if (v->start <= reach && v->end > reach) reach = v->end;
  });
  if (reach < end) return klib::Err(klib::Error::NOMEM);
  // Nodes for the two possible splits, taken before anything changes.
  Vma* head = nullptr;
  Vma* tail = nullptr;
  const Vma* first = find(start);
  const Vma* last = find(end - 1);
  if (first->start < start) {
    head = make(start, first->end, first->prot, first->kind);
    if (!head) return klib::Err(klib::Error::NOMEM);
  }
  if (last->end > end) {
    tail = make(end, last->end, last->prot, last->kind);
    if (!tail) {
      if (head) {
        head->~Vma();
        alloc_.free(head);
      }
      return klib::Err(klib::Error::NOMEM);
    }
  }
  if (head) {
    const_cast<Vma*>(first)->end = start;
    if (first == last) head->end = end;  // one area split three ways
    insert_sorted(head);
  }
  if (tail) {
    const_cast<Vma*>(find(end - 1))->end = end;
    insert_sorted(tail);
  }
  list_.for_each([&](Vma* v) {
    if (v->start >= start && v->end <= end) v->prot = prot;
  });
  return klib::ok();
}

klib::Result<void> VmaSet::resize(std::uintptr_t start, std::uintptr_t new_end) {
  if (!aligned(new_end) || new_end <= start) return klib::Err(klib::Error::INVAL);
  Vma* target = nullptr;
  list_.for_each([&](Vma* v) {
    if (v->start == start) target = v;
  });
  if (!target) return klib::Err(klib::Error::INVAL);
  if (new_end > target->end) {
    Vma* next = list_.next(target);
    if (next && next->start < new_end) return klib::Err(klib::Error::EXIST);
  }
  target->end = new_end;
  return klib::ok();
}

klib::Result<std::uintptr_t> VmaSet::find_gap(std::size_t len, std::uintptr_t low,
                                              std::uintptr_t high) const {
  if (len == 0 || !aligned(len) || high < low || high - low < len)
    return klib::Err(klib::Error::NOMEM);
  // Every gap between areas inside [low, high) is a candidate; walking up,
  // the last one that fits is the highest.
  std::uintptr_t best = 0;
  bool found = false;
  std::uintptr_t prev_end = low;  // end of the area below the current gap
  list_.for_each([&](Vma* v) {
    if (v->end <= low || v->start >= high) return;
    const std::uintptr_t gap_lo = prev_end > low ? prev_end : low;
    const std::uintptr_t gap_hi = v->start < high ? v->start : high;
    if (gap_hi > gap_lo && gap_hi - gap_lo >= len) {
      best = gap_hi - len;
      found = true;
    }
    if (v->end > prev_end) prev_end = v->end;
  });
  const std::uintptr_t top_lo = prev_end > low ? prev_end : low;
  if (high > top_lo && high - top_lo >= len) {
    best = high - len;
    found = true;
  }
  if (!found) return klib::Err(klib::Error::NOMEM);
  return best;
}

}  // namespace mm
