// Tlsf: a two-level segregated fit allocator (Masmano et al., ECRTS 2004) for
// the application heap of the Vela personality. malloc and free are O(1)
// (a request that would otherwise fail also scans its own size class):
// free blocks sit in 2^k x 32 size-class lists found through two bitmaps, and
// freed blocks coalesce with their physical neighbours at once. Portable and
// not internally locked; the kernel wraps it (vela_rtos/src/runtime).
#pragma once

#include <cstddef>
#include <cstdint>

namespace mm {

class Tlsf {
 public:
  // Every payload is aligned to this and sized in multiples of it: two
  // pointers, i.e. 16 bytes on 64-bit targets and 8 on 32-bit ones (the
  // max_align_t of both).
  static constexpr std::size_t kAlign = 2 * sizeof(void*);
  static constexpr unsigned kAlignLog2 = sizeof(void*) == 8 ? 4 : 3;
  // Per-block header (previous physical block, size and flags).
  static constexpr std::size_t kHeaderSize = 2 * sizeof(void*);
  static constexpr std::size_t kMinPayload = 2 * sizeof(void*);  // room for the free-list links
  static constexpr unsigned kSlLog2 = 5;                         // 32 second-level classes
  static constexpr unsigned kSlCount = 1u << kSlLog2;
  // Sizes below 32 * kAlign (512 B on 64-bit): one linear level.
  static constexpr unsigned kFlShift = kSlLog2 + kAlignLog2;
  // Blocks below 1 TiB, or the whole address space on 32-bit targets. A
  // board with a small heap sets FUSION_TLSF_FL_MAX (blocks below 2^N
  // bytes): each first level costs 32 list heads, and a larger pool is
  // clamped to one maximal block.
#ifdef FUSION_TLSF_FL_MAX
  static constexpr unsigned kFlMax = FUSION_TLSF_FL_MAX;
#else
  static constexpr unsigned kFlMax = sizeof(std::size_t) == 8 ? 40 : 31;
#endif
  static constexpr unsigned kFlCount = kFlMax - kFlShift + 1;
  static constexpr std::size_t kSmallBlock = std::size_t{1} << kFlShift;
  static constexpr std::size_t kMaxRequest = (std::size_t{1} << kFlMax) - 1;
  static constexpr unsigned kMaxPools = 8;  // separate memory regions
  static_assert(kAlign == std::size_t{1} << kAlignLog2);

  struct Stats {
    std::size_t capacity;    // payload bytes the region can hold in one block
    std::size_t used_bytes;  // payload bytes of allocated blocks
    std::size_t free_bytes;  // payload bytes of free blocks
    std::size_t used_blocks;
    std::size_t free_blocks;
    std::size_t largest_free;  // payload of the largest free block
  };

  constexpr Tlsf() = default;
  Tlsf(const Tlsf&) = delete;
  Tlsf& operator=(const Tlsf&) = delete;

  // Manages [base, base + size) (rounded inwards to kAlign), forgetting any
  // earlier pools. False when the region cannot hold one minimal block.
  bool init(void* base, std::size_t size);
  // Adds another region (e.g. a second physically contiguous block); blocks
  // never span pools. False when it is too small or kMaxPools are in use.
  bool add_pool(void* base, std::size_t size);

  // nullptr when no block fits or size > kMaxRequest. Size 0 returns a
  // unique minimal block (malloc semantics).
  void* alloc(std::size_t size);
  // align: a power of two; anything up to kAlign is the plain alloc.
  void* alloc_aligned(std::size_t align, std::size_t size);
  // nullptr is ignored. A pointer not from this heap or a double free trips
  // a KASSERT (kernel) / abort (host).
  void free(void* ptr);
  // C realloc: grows in place into a free neighbour when it can. nullptr on
  // failure, leaving ptr valid.
  void* realloc(void* ptr, std::size_t size);

  // Capacity behind a live pointer (>= the size asked for).
  std::size_t usable_size(const void* ptr) const;
  std::size_t bytes_in_use() const { return used_bytes_; }
  std::size_t blocks_in_use() const { return used_blocks_; }
  bool contains(const void* ptr) const;
  Stats stats() const;

  // Walks every block and free list; false (never asserts) on any broken
  // invariant: sizes, flags, neighbour links, coalescing, list and bitmap
  // agreement, totals.
  bool check_invariants() const;

 private:
  struct Block;

  static void mapping_insert(std::size_t size, unsigned* fl, unsigned* sl);
  static std::size_t round_up_for_search(std::size_t size);
  Block* find_suitable(std::size_t size);
  Block* search_exact_class(std::size_t size);
  void insert_free(Block* b);
  void remove_free(Block* b);
  // Splits `b` (allocated or about to be) so it keeps `size` bytes; the rest
  // becomes a free block (merged with a free successor).
  void trim_tail(Block* b, std::size_t size);
  Block* merge_with_next(Block* b);  // b and next both free-unlinked; returns b
  void mark_used(Block* b);
  Block* block_of_checked(const void* ptr) const;
  bool is_sentinel(const Block* b) const;

  struct Pool {
    Block* first = nullptr;     // first physical block
    Block* sentinel = nullptr;  // zero-size "used" block ending the region
  };
  bool check_pool(const Pool& p, std::size_t* free_walked, std::size_t* used,
                  std::size_t* used_n) const;

  Pool pools_[kMaxPools] = {};
  unsigned npools_ = 0;
  std::uint64_t fl_bitmap_ = 0;
  std::uint32_t sl_bitmap_[kFlCount] = {};
  Block* free_heads_[kFlCount][kSlCount] = {};
  std::size_t used_bytes_ = 0;
  std::size_t used_blocks_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace mm
