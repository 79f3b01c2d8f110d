// Two-level segregated fit allocator (mm/tlsf.hpp). Every block starts with a
// two-pointer header: the previous physical block and the payload size with two
// flags (this block free, previous block free). Free blocks keep their
// free-list links in the first payload bytes. A zero-size used sentinel ends
// the region, so every real block has a physical successor.
#include <klib/assert.hpp>
#include <mm/tlsf.hpp>

namespace mm {

struct Tlsf::Block {
  static_assert(kHeaderSize == 2 * sizeof(void*));
  Block* prev_phys;  // always maintained (also for used neighbours): free() checks it
  std::size_t bits;  // payload size | kFree | kPrevFree
  Block* next_free;  // only while free
  Block* prev_free;

  static constexpr std::size_t kFree = 1;
  static constexpr std::size_t kPrevFree = 2;
  static constexpr std::size_t kFlags = kFree | kPrevFree;

  std::size_t size() const { return bits & ~kFlags; }
  void set_size(std::size_t s) { bits = s | (bits & kFlags); }
  bool is_free() const { return bits & kFree; }
  bool prev_is_free() const { return bits & kPrevFree; }
  void set_free(bool f) { bits = f ? bits | kFree : bits & ~kFree; }
  void set_prev_free(bool f) { bits = f ? bits | kPrevFree : bits & ~kPrevFree; }
  char* payload() { return reinterpret_cast<char*>(this) + kHeaderSize; }
  const char* payload() const { return reinterpret_cast<const char*>(this) + kHeaderSize; }
  Block* next_phys() const {
    return reinterpret_cast<Block*>(const_cast<char*>(payload()) + size());
  }
};

namespace {

constexpr std::size_t align_up(std::size_t v, std::size_t a) { return (v + a - 1) & ~(a - 1); }
constexpr unsigned msb(std::size_t v) { return 63u - static_cast<unsigned>(__builtin_clzll(v)); }

// Payload size actually reserved for a request.
constexpr std::size_t adjust(std::size_t size) {
  const std::size_t s = align_up(size, Tlsf::kAlign);
  return s < Tlsf::kMinPayload ? Tlsf::kMinPayload : s;
}

}  // namespace

bool Tlsf::init(void* base, std::size_t size) {
  for (auto& p : pools_) p = {};
  npools_ = 0;
  fl_bitmap_ = 0;
  for (auto& m : sl_bitmap_) m = 0;
  for (auto& row : free_heads_)
    for (auto& h : row) h = nullptr;
  used_bytes_ = used_blocks_ = capacity_ = 0;
  return add_pool(base, size);
}

bool Tlsf::add_pool(void* base, std::size_t size) {
  const auto start = align_up(reinterpret_cast<std::uintptr_t>(base), kAlign);
  const auto end = (reinterpret_cast<std::uintptr_t>(base) + size) & ~(kAlign - 1);
  if (npools_ == kMaxPools) return false;
  if (end <= start || end - start < 2 * kHeaderSize + kMinPayload) return false;
  std::size_t payload = end - start - 2 * kHeaderSize;
  if (payload > kMaxRequest) payload = kMaxRequest & ~(kAlign - 1);
  Pool& pool = pools_[npools_++];
  pool.first = reinterpret_cast<Block*>(start);
  pool.first->prev_phys = nullptr;
  pool.first->bits = payload;
  pool.sentinel = pool.first->next_phys();
  pool.sentinel->prev_phys = pool.first;
  pool.sentinel->bits = 0;
  capacity_ += payload;
  pool.first->set_free(true);
  pool.sentinel->set_prev_free(true);
  insert_free(pool.first);
  return true;
}

void Tlsf::mapping_insert(std::size_t size, unsigned* fl, unsigned* sl) {
  if (size < kSmallBlock) {
    *fl = 0;
    *sl = static_cast<unsigned>(size / kAlign);
    return;
  }
  const unsigned f = msb(size);
  *sl = static_cast<unsigned>(size >> (f - kSlLog2)) ^ kSlCount;
  *fl = f - (kFlShift - 1);
}

// Rounds a request up to the next class boundary, so that any block in the
// class found is big enough (the "good fit" of the TLSF paper).
std::size_t Tlsf::round_up_for_search(std::size_t size) {
  if (size < kSmallBlock) return size;
  return size + (std::size_t{1} << (msb(size) - kSlLog2)) - 1;
}

Tlsf::Block* Tlsf::find_suitable(std::size_t size) {
  unsigned fl, sl;
  mapping_insert(round_up_for_search(size), &fl, &sl);
  if (fl >= kFlCount) return search_exact_class(size);
  std::uint32_t sl_map = sl_bitmap_[fl] & (~0u << sl);
  if (!sl_map) {
    const std::uint64_t fl_map = fl + 1 < 64 ? fl_bitmap_ & (~0ull << (fl + 1)) : 0;
    if (!fl_map) return search_exact_class(size);
    fl = static_cast<unsigned>(__builtin_ctzll(fl_map));
    sl_map = sl_bitmap_[fl];
  }
  sl = static_cast<unsigned>(__builtin_ctz(sl_map));
  return free_heads_[fl][sl];
}

// Last resort when no class above the request has a block: the request's
// own class may still hold one that is large enough (e.g. the whole empty
// heap). Linear in that one list, and only on the path that would fail.
Tlsf::Block* Tlsf::search_exact_class(std::size_t size) {
  unsigned fl, sl;
  mapping_insert(size, &fl, &sl);
  if (fl >= kFlCount) return nullptr;
  for (Block* b = free_heads_[fl][sl]; b; b = b->next_free) {
    if (b->size() >= size) return b;
  }
  return nullptr;
}

void Tlsf::insert_free(Block* b) {
  unsigned fl, sl;
  mapping_insert(b->size(), &fl, &sl);
  Block* head = free_heads_[fl][sl];
  b->prev_free = nullptr;
  b->next_free = head;
  if (head) head->prev_free = b;
  free_heads_[fl][sl] = b;
  sl_bitmap_[fl] |= 1u << sl;
  fl_bitmap_ |= 1ull << fl;
}

void Tlsf::remove_free(Block* b) {
  unsigned fl, sl;
  mapping_insert(b->size(), &fl, &sl);
  if (b->prev_free) {
    b->prev_free->next_free = b->next_free;
  } else {
    free_heads_[fl][sl] = b->next_free;
  }
  if (b->next_free) b->next_free->prev_free = b->prev_free;
  if (!free_heads_[fl][sl]) {
    sl_bitmap_[fl] &= ~(1u << sl);
    if (!sl_bitmap_[fl]) fl_bitmap_ &= ~(1ull << fl);
  }
}

Tlsf::Block* Tlsf::merge_with_next(Block* b) {
  Block* next = b->next_phys();
  b->set_size(b->size() + kHeaderSize + next->size());
  b->next_phys()->prev_phys = b;
  return b;
}

void Tlsf::trim_tail(Block* b, std::size_t size) {
  if (b->size() < size + kHeaderSize + kMinPayload) return;
  auto* rest = reinterpret_cast<Block*>(b->payload() + size);
  rest->bits = b->size() - size - kHeaderSize;
  rest->set_free(true);
  rest->set_prev_free(b->is_free());
  rest->prev_phys = b;
  b->set_size(size);
  Block* next = rest->next_phys();
  next->prev_phys = rest;
  if (next->is_free()) {
    remove_free(next);
    merge_with_next(rest);
  }
  rest->next_phys()->set_prev_free(true);
  insert_free(rest);
}

void Tlsf::mark_used(Block* b) {
  b->set_free(false);
  b->next_phys()->set_prev_free(false);
  used_bytes_ += b->size();
  ++used_blocks_;
}

void* Tlsf::alloc(std::size_t size) {
  if (!npools_ || size > kMaxRequest) return nullptr;
  const std::size_t s = adjust(size);
  Block* b = find_suitable(s);
  if (!b) return nullptr;
  remove_free(b);
  trim_tail(b, s);
  mark_used(b);
  return b->payload();
}

void* Tlsf::alloc_aligned(std::size_t align, std::size_t size) {
  if (align <= kAlign) return alloc(size);
  if ((align & (align - 1)) != 0 || !npools_ || size > kMaxRequest || align > kMaxRequest) {
    return nullptr;
  }
  const std::size_t s = adjust(size);
  // A leading gap becomes a free block, so it needs room for a header and
  // a minimal payload.
  constexpr std::size_t kGapMin = kHeaderSize + kMinPayload;
  const std::size_t want = s + align + kGapMin;
  if (want > kMaxRequest) return nullptr;
  Block* b = find_suitable(want);
  if (!b) return nullptr;
  remove_free(b);
  const auto p = reinterpret_cast<std::uintptr_t>(b->payload());
  std::uintptr_t aligned = align_up(p, align);
  if (aligned != p && aligned - p < kGapMin) aligned = align_up(p + kGapMin, align);
  if (aligned != p) {
    // b (free, with a used or no predecessor) keeps the gap; nb starts at
    // the aligned payload.
    const std::size_t gap = aligned - p;
    auto* nb = reinterpret_cast<Block*>(aligned - kHeaderSize);
    nb->bits = b->size() - gap;
    nb->set_free(true);
    nb->set_prev_free(true);
    nb->prev_phys = b;
    nb->next_phys()->prev_phys = nb;
    b->set_size(gap - kHeaderSize);
    insert_free(b);
    b = nb;
  }
  trim_tail(b, s);
  mark_used(b);
  return b->payload();
}

bool Tlsf::contains(const void* ptr) const {
  const auto a = reinterpret_cast<std::uintptr_t>(ptr);
  for (unsigned i = 0; i < npools_; ++i) {
    if (a >= reinterpret_cast<std::uintptr_t>(pools_[i].first->payload()) &&
        a < reinterpret_cast<std::uintptr_t>(pools_[i].sentinel)) {
      return true;
    }
  }
  return false;
}

Tlsf::Block* Tlsf::block_of_checked(const void* ptr) const {
  KASSERT(contains(ptr) && reinterpret_cast<std::uintptr_t>(ptr) % kAlign == 0);
  auto* b =
      reinterpret_cast<Block*>(const_cast<char*>(static_cast<const char*>(ptr)) - kHeaderSize);
  KASSERT(!b->is_free());  // double free
  // A forged or stale pointer almost never has a successor pointing back.
  KASSERT(contains(b->next_phys()) || is_sentinel(b->next_phys()));
  KASSERT(b->next_phys()->prev_phys == b);
  return b;
}

void Tlsf::free(void* ptr) {
  if (!ptr) return;
  Block* b = block_of_checked(ptr);
  used_bytes_ -= b->size();
  --used_blocks_;
  b->set_free(true);
  if (b->prev_is_free()) {
    Block* prev = b->prev_phys;
    remove_free(prev);
    b = merge_with_next(prev);
  }
  Block* next = b->next_phys();
  if (next->is_free()) {
    remove_free(next);
    merge_with_next(b);
  }
  b->next_phys()->set_prev_free(true);
  insert_free(b);
}

void* Tlsf::realloc(void* ptr, std::size_t size) {
  if (!ptr) return alloc(size);
  if (size == 0) {
    free(ptr);
    return nullptr;
  }
  if (size > kMaxRequest) return nullptr;
  Block* b = block_of_checked(ptr);
  const std::size_t s = adjust(size);
  const std::size_t old = b->size();
  Block* next = b->next_phys();
  if (s > old && next->is_free() && old + kHeaderSize + next->size() >= s) {
    remove_free(next);
    merge_with_next(b);
    b->next_phys()->set_prev_free(false);
  }
  if (s <= b->size()) {
    trim_tail(b, s);
    used_bytes_ = used_bytes_ - old + b->size();
    return ptr;
  }
  void* fresh = alloc(size);
  if (!fresh) return nullptr;
  __builtin_memcpy(fresh, ptr, old);
  free(ptr);
  return fresh;
}

std::size_t Tlsf::usable_size(const void* ptr) const {
  return ptr ? block_of_checked(ptr)->size() : 0;
}

bool Tlsf::is_sentinel(const Block* b) const {
  for (unsigned i = 0; i < npools_; ++i) {
    if (pools_[i].sentinel == b) return true;
  }
  return false;
}

Tlsf::Stats Tlsf::stats() const {
  Stats st{capacity_, 0, 0, 0, 0, 0};
  for (unsigned i = 0; i < npools_; ++i) {
    for (const Block* b = pools_[i].first; b != pools_[i].sentinel; b = b->next_phys()) {
      if (b->is_free()) {
        st.free_bytes += b->size();
        ++st.free_blocks;
        if (b->size() > st.largest_free) st.largest_free = b->size();
      } else {
        st.used_bytes += b->size();
        ++st.used_blocks;
      }
    }
  }
  return st;
}

// One pool's physical chain: sizes, flags, neighbour links, coalescing, and
// every free block listed where its size says. Adds up its totals.
bool Tlsf::check_pool(const Pool& pool, std::size_t* free_walked, std::size_t* used,
                      std::size_t* used_n) const {
  const auto lo = reinterpret_cast<std::uintptr_t>(pool.first);
  const auto hi = reinterpret_cast<std::uintptr_t>(pool.sentinel);
  const Block* prev = nullptr;
  for (const Block* b = pool.first;; b = b->next_phys()) {
    const auto a = reinterpret_cast<std::uintptr_t>(b);
    if (a < lo || a > hi || a % kAlign) return false;
    if (b->prev_phys != prev) return false;
    if (b->prev_is_free() != (prev && prev->is_free())) return false;
    if (b == pool.sentinel) break;
    if (b->size() % kAlign || b->size() < kMinPayload) return false;
    if (b->is_free()) {
      if (prev && prev->is_free()) return false;  // missed coalescing
      ++*free_walked;
      unsigned fl, sl;
      mapping_insert(b->size(), &fl, &sl);
      const Block* e = free_heads_[fl][sl];
      while (e && e != b) e = e->next_free;
      if (!e) return false;
    } else {
      *used += b->size();
      ++*used_n;
    }
    prev = b;
  }
  return !pool.sentinel->is_free() && pool.sentinel->size() == 0;
}

bool Tlsf::check_invariants() const {
  std::size_t free_walked = 0, used = 0, used_n = 0, capacity = 0;
  for (unsigned i = 0; i < npools_; ++i) {
    if (!check_pool(pools_[i], &free_walked, &used, &used_n)) return false;
    capacity += reinterpret_cast<std::uintptr_t>(pools_[i].sentinel) -
                reinterpret_cast<std::uintptr_t>(pools_[i].first->payload());
  }
  if (capacity != capacity_) return false;
  if (used != used_bytes_ || used_n != used_blocks_) return false;
  std::size_t listed = 0;
  for (unsigned fl = 0; fl < kFlCount; ++fl) {
    if (((fl_bitmap_ >> fl) & 1) != (sl_bitmap_[fl] != 0)) return false;
    for (unsigned sl = 0; sl < kSlCount; ++sl) {
      const Block* head = free_heads_[fl][sl];
      if (((sl_bitmap_[fl] >> sl) & 1) != (head != nullptr)) return false;
      const Block* back = nullptr;
      for (const Block* e = head; e; e = e->next_free) {
        unsigned f, sc;
        mapping_insert(e->size(), &f, &sc);
        if (!e->is_free() || f != fl || sc != sl || e->prev_free != back) return false;
        if (++listed > free_walked) return false;  // a cycle or a stale entry
        back = e;
      }
    }
  }
  return listed == free_walked;
}

}  // namespace mm
