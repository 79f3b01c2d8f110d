// A fixed set of small integer ids handed out lowest-first (hardware ASIDs:
// aarch64 TTBR0, riscv64 satp). Id 0 is never handed out, so 0 can mean
// "none free". Not locked: the owner serialises (hal/asid_pool.hpp); plain
// data so it is host-tested (tests/host/klib/id_bitmap_test.cpp).
#pragma once

#include <cstdint>

namespace klib {

template <unsigned kCapacity>
class IdBitmap {
  static_assert(kCapacity % 64 == 0 && kCapacity >= 64);

 public:
  // Ids 1 .. limit-1 may be handed out (limit is clamped to the capacity).
  void set_limit(unsigned limit) { limit_ = limit < kCapacity ? limit : kCapacity; }
  unsigned limit() const { return limit_; }

  // The lowest free id, now in use; 0 when every id is taken.
  unsigned take_lowest() {
    for (unsigned i = 1; i < limit_; ++i) {
      if (!in_use(i)) {
        words_[i / 64] |= bit(i);
        return i;
      }
    }
    return 0;
  }

  // Frees ID; 0, out-of-range and already-free ids are ignored.
  void give_back(unsigned id) {
    if (id == 0 || id >= kCapacity) return;
    words_[id / 64] &= ~bit(id);
  }

  bool in_use(unsigned id) const { return id < kCapacity && (words_[id / 64] & bit(id)); }

 private:
  static std::uint64_t bit(unsigned id) { return std::uint64_t{1} << (id % 64); }

  std::uint64_t words_[kCapacity / 64] = {};
  unsigned limit_ = 0;
};

}  // namespace klib
