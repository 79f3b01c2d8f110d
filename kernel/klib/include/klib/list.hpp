// Intrusive doubly linked list: the node lives inside the object, so linking
// never allocates and unlinking is O(1). Used by run queues, wait queues and
// allocator free lists.
#pragma once

#include <cstddef>

namespace klib {

struct ListNode {
  ListNode* prev = nullptr;
  ListNode* next = nullptr;

  bool linked() const { return next != nullptr; }
};

// A circular list with a sentinel head. `T` embeds a ListNode at `Member`.
template <typename T, ListNode T::*Member>
class List {
 public:
  List() { head_.prev = head_.next = &head_; }
  List(const List&) = delete;
  List& operator=(const List&) = delete;

  bool empty() const { return head_.next == &head_; }
  std::size_t size() const { return size_; }

  void push_back(T* item) { insert_before(&head_, node_of(item)); }
  void push_front(T* item) { insert_before(head_.next, node_of(item)); }

  T* front() const { return empty() ? nullptr : owner_of(head_.next); }
  T* back() const { return empty() ? nullptr : owner_of(head_.prev); }

  T* pop_front() {
    T* item = front();
    if (item) remove(item);
    return item;
  }

  void remove(T* item) {
    ListNode* n = node_of(item);
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->prev = n->next = nullptr;
    --size_;
  }

  // Next element after `item`, or nullptr at the end.
  T* next(T* item) const {
    ListNode* n = node_of(item)->next;
    return n == &head_ ? nullptr : owner_of(n);
  }

  template <typename Fn>
  void for_each(Fn&& fn) const {
    for (ListNode* n = head_.next; n != &head_;) {
      ListNode* following = n->next;  // fn may unlink n
      fn(owner_of(n));
      n = following;
    }
  }

 private:
  static ListNode* node_of(T* item) { return &(item->*Member); }
  static T* owner_of(const ListNode* n) {
    // Offset of Member inside T, computed without offsetof (which is not
    // valid for pointer-to-member templates).
    const auto offset = reinterpret_cast<std::size_t>(&(static_cast<T*>(nullptr)->*Member));
    return reinterpret_cast<T*>(reinterpret_cast<char*>(const_cast<ListNode*>(n)) - offset);
  }
  void insert_before(ListNode* pos, ListNode* n) {
    n->next = pos;
    n->prev = pos->prev;
    pos->prev->next = n;
    pos->prev = n;
    ++size_;
  }

  mutable ListNode head_;
  std::size_t size_ = 0;
};

}  // namespace klib
