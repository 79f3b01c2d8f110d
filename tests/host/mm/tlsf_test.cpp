// Tlsf: sizes and alignment, coalescing back to one block, aligned
// allocation, realloc in place and by moving, pointer checks, and a
// randomized stress run that verifies contents and every invariant.
#include <gtest/gtest.h>
#include <mm/tlsf.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

using mm::Tlsf;

namespace {

struct Arena {
  explicit Arena(std::size_t bytes) : mem(bytes / 16 + 1) {
    EXPECT_TRUE(heap.init(mem.data(), bytes));
  }
  std::vector<__uint128_t> mem;  // 16-byte aligned backing store
  Tlsf heap;
};

bool aligned(const void* p, std::size_t a) { return reinterpret_cast<std::uintptr_t>(p) % a == 0; }

}  // namespace

TEST(Tlsf, InitRejectsTinyRegions) {
  alignas(16) static unsigned char small[64];
  Tlsf h;
  EXPECT_FALSE(h.init(small, 40));
  EXPECT_TRUE(h.init(small, 64));
  EXPECT_TRUE(h.check_invariants());
  EXPECT_EQ(h.stats().capacity, 64u - 2 * Tlsf::kHeaderSize);
  EXPECT_NE(h.alloc(16), nullptr);
  EXPECT_EQ(h.alloc(16), nullptr);
}

TEST(Tlsf, UnalignedRegionIsRoundedInwards) {
  alignas(16) static unsigned char buf[4096 + 32];
  Tlsf h;
  ASSERT_TRUE(h.init(buf + 3, 4096));
  void* p = h.alloc(100);
  EXPECT_TRUE(aligned(p, 16));
  EXPECT_GE(reinterpret_cast<unsigned char*>(p), buf + 3);
  EXPECT_TRUE(h.check_invariants());
}

TEST(Tlsf, ZeroSizeGivesUniqueBlocks) {
  Arena a(4096);
  void* p = a.heap.alloc(0);
  void* q = a.heap.alloc(0);
  ASSERT_NE(p, nullptr);
  ASSERT_NE(q, nullptr);
  EXPECT_NE(p, q);
  a.heap.free(p);
  a.heap.free(q);
  a.heap.free(nullptr);
  EXPECT_EQ(a.heap.bytes_in_use(), 0u);
}

TEST(Tlsf, SizesAreGoodFitAndAligned) {
  Arena a(1 << 20);
  for (std::size_t s : {1ul, 15ul, 16ul, 17ul, 100ul, 511ul, 512ul, 513ul, 1000ul, 4095ul, 4096ul,
                        65537ul, 100000ul}) {
    void* p = a.heap.alloc(s);
    ASSERT_NE(p, nullptr) << s;
    EXPECT_TRUE(aligned(p, Tlsf::kAlign));
    const std::size_t u = a.heap.usable_size(p);
    EXPECT_GE(u, s);
    // Split remainders smaller than a minimal block stay with the block.
    EXPECT_LT(u, ((s + 15) & ~std::size_t{15}) + Tlsf::kHeaderSize + Tlsf::kMinPayload);
    std::memset(p, 0xa5, s);
    a.heap.free(p);
    EXPECT_TRUE(a.heap.check_invariants());
  }
  EXPECT_EQ(a.heap.stats().free_blocks, 1u);
}

TEST(Tlsf, RejectsAbsurdSizes) {
  Arena a(4096);
  EXPECT_EQ(a.heap.alloc(Tlsf::kMaxRequest + 1), nullptr);
  EXPECT_EQ(a.heap.alloc(~std::size_t{0}), nullptr);
  EXPECT_EQ(a.heap.alloc(8192), nullptr);
  EXPECT_EQ(a.heap.alloc_aligned(64, ~std::size_t{0} - 8), nullptr);
  EXPECT_EQ(a.heap.alloc_aligned(48, 16), nullptr);  // not a power of two
  EXPECT_TRUE(a.heap.check_invariants());
}

TEST(Tlsf, FreeCoalescesInAnyOrder) {
  Arena a(64 * 1024);
  const std::size_t cap = a.heap.stats().capacity;
  std::vector<void*> v;
  while (void* p = a.heap.alloc(200)) v.push_back(p);
  EXPECT_GT(v.size(), 200u);
  EXPECT_TRUE(a.heap.check_invariants());
  // Free odd ones, then even ones: every even free merges both sides.
  for (std::size_t i = 1; i < v.size(); i += 2) a.heap.free(v[i]);
  EXPECT_TRUE(a.heap.check_invariants());
  for (std::size_t i = 0; i < v.size(); i += 2) a.heap.free(v[i]);
  EXPECT_TRUE(a.heap.check_invariants());
  const auto st = a.heap.stats();
  EXPECT_EQ(st.free_blocks, 1u);
  EXPECT_EQ(st.largest_free, cap);
  EXPECT_EQ(a.heap.bytes_in_use(), 0u);
  // The whole region is one block again.
  void* all = a.heap.alloc(cap);
  EXPECT_NE(all, nullptr);
  a.heap.free(all);
}

TEST(Tlsf, ExhaustionReturnsNullAndRecovers) {
  Arena a(256 * 1024);
  std::vector<void*> v;
  while (void* p = a.heap.alloc(3000)) v.push_back(p);
  EXPECT_EQ(a.heap.alloc(3000), nullptr);
  EXPECT_TRUE(a.heap.check_invariants());
  for (void* p : v) a.heap.free(p);
  EXPECT_EQ(a.heap.stats().free_blocks, 1u);
}

TEST(Tlsf, AlignedAllocations) {
  Arena a(1 << 20);
  std::vector<void*> v;
  for (std::size_t al = 32; al <= 65536; al <<= 1) {
    for (std::size_t s : {1ul, 48ul, 1000ul}) {
      void* p = a.heap.alloc_aligned(al, s);
      ASSERT_NE(p, nullptr) << al << " " << s;
      EXPECT_TRUE(aligned(p, al)) << al;
      EXPECT_GE(a.heap.usable_size(p), s);
      std::memset(p, 0x5a, s);
      v.push_back(p);
      ASSERT_TRUE(a.heap.check_invariants());
    }
  }
  for (void* p : v) a.heap.free(p);
  EXPECT_TRUE(a.heap.check_invariants());
  EXPECT_EQ(a.heap.stats().free_blocks, 1u);
}

TEST(Tlsf, ReallocGrowsInPlaceShrinksAndMoves) {
  Arena a(64 * 1024);
  auto* p = static_cast<unsigned char*>(a.heap.alloc(64));
  for (int i = 0; i < 64; ++i) p[i] = static_cast<unsigned char>(i);
  // The successor is the free remainder: growth stays in place.
  auto* q = static_cast<unsigned char*>(a.heap.realloc(p, 1000));
  EXPECT_EQ(q, p);
  EXPECT_TRUE(a.heap.check_invariants());
  // Shrinking stays in place and gives the tail back.
  const std::size_t used_before = a.heap.bytes_in_use();
  EXPECT_EQ(a.heap.realloc(q, 100), q);
  EXPECT_LT(a.heap.bytes_in_use(), used_before);
  EXPECT_TRUE(a.heap.check_invariants());
  // A used successor forces a move; contents survive.
  void* blocker = a.heap.alloc(32);
  auto* r = static_cast<unsigned char*>(a.heap.realloc(q, 5000));
  ASSERT_NE(r, nullptr);
  EXPECT_NE(r, q);
  for (int i = 0; i < 64; ++i) EXPECT_EQ(r[i], i);
  EXPECT_TRUE(a.heap.check_invariants());
  // Failure leaves the old block intact.
  EXPECT_EQ(a.heap.realloc(r, 1 << 20), nullptr);
  EXPECT_EQ(r[10], 10);
  EXPECT_EQ(a.heap.realloc(r, 0), nullptr);  // frees
  EXPECT_EQ(a.heap.realloc(nullptr, 0) != nullptr, true);
  a.heap.free(blocker);
  EXPECT_TRUE(a.heap.check_invariants());
}

TEST(TlsfDeathTest, DoubleFreeAndForeignPointersAssert) {
  Arena a(4096);
  void* p = a.heap.alloc(32);
  void* keep = a.heap.alloc(32);  // so p does not merge away entirely
  a.heap.free(p);
  EXPECT_DEATH(a.heap.free(p), "KASSERT");
  int outside = 0;
  EXPECT_DEATH(a.heap.free(&outside), "KASSERT");
  EXPECT_DEATH(a.heap.free(static_cast<char*>(keep) + 16), "KASSERT");
  a.heap.free(keep);
}

// Random mixes of malloc/aligned/realloc/free with each live block filled
// with a pattern derived from its id: any overlap or lost byte shows up.
TEST(Tlsf, RandomizedStressKeepsInvariantsAndContents) {
  constexpr int kRounds = 4;
  constexpr int kOps = 20000;
  for (int round = 0; round < kRounds; ++round) {
    Arena a(2 << 20);
    std::mt19937_64 rng(0x7157f00d + round);
    struct Live {
      unsigned char* p;
      std::size_t size;
      unsigned char tag;
    };
    std::vector<Live> live;
    auto fill = [](const Live& l) { std::memset(l.p, l.tag, l.size); };
    auto intact = [](const Live& l) {
      return std::all_of(l.p, l.p + l.size, [&](unsigned char c) { return c == l.tag; });
    };
    auto random_size = [&]() -> std::size_t {
      switch (rng() % 4) {
        case 0:
          return rng() % 64;
        case 1:
          return rng() % 600;
        case 2:
          return rng() % 8192;
        default:
          return rng() % 120000;
      }
    };
    int failures = 0;
    for (int op = 0; op < kOps; ++op) {
      const unsigned kind = rng() % 10;
      if (kind < 4 || live.empty()) {
        const std::size_t s = random_size();
        void* p =
            (kind == 0) ? a.heap.alloc_aligned(std::size_t{32} << (rng() % 8), s) : a.heap.alloc(s);
        if (!p) continue;  // full: fine, frees will follow
        Live l{static_cast<unsigned char*>(p), s, static_cast<unsigned char>(rng())};
        fill(l);
        live.push_back(l);
      } else if (kind < 8) {
        const std::size_t i = rng() % live.size();
        if (!intact(live[i])) ++failures;
        a.heap.free(live[i].p);
        live[i] = live.back();
        live.pop_back();
      } else {
        const std::size_t i = rng() % live.size();
        const std::size_t s = random_size() + 1;
        void* p = a.heap.realloc(live[i].p, s);
        if (!p) continue;
        Live& l = live[i];
        const std::size_t keep = std::min(s, l.size);
        l.p = static_cast<unsigned char*>(p);
        if (!std::all_of(l.p, l.p + keep, [&](unsigned char c) { return c == l.tag; })) ++failures;
        l.size = s;
        fill(l);
      }
      if (op % 97 == 0) ASSERT_TRUE(a.heap.check_invariants()) << "round " << round << " op " << op;
    }
    EXPECT_EQ(failures, 0);
    ASSERT_TRUE(a.heap.check_invariants());
    std::size_t sum = 0;
    for (const auto& l : live) sum += a.heap.usable_size(l.p);
    EXPECT_EQ(sum, a.heap.bytes_in_use());
    for (const auto& l : live) {
      EXPECT_TRUE(intact(l));
      a.heap.free(l.p);
    }
    EXPECT_TRUE(a.heap.check_invariants());
    EXPECT_EQ(a.heap.bytes_in_use(), 0u);
    EXPECT_EQ(a.heap.stats().free_blocks, 1u);
  }
}

TEST(Tlsf, SeveralPoolsServeAndCoalesceSeparately) {
  Arena a(64 * 1024);
  std::vector<__uint128_t> second(32 * 1024 / 16);
  ASSERT_TRUE(a.heap.add_pool(second.data(), 32 * 1024));
  const std::size_t cap = a.heap.stats().capacity;
  EXPECT_EQ(cap, 64u * 1024 + 32 * 1024 - 4 * Tlsf::kHeaderSize);
  std::vector<void*> v;
  while (void* p = a.heap.alloc(1000)) v.push_back(p);
  EXPECT_GT(v.size(), 90u);  // both pools were used
  EXPECT_TRUE(a.heap.check_invariants());
  for (void* p : v) a.heap.free(p);
  EXPECT_TRUE(a.heap.check_invariants());
  EXPECT_EQ(a.heap.stats().free_blocks, 2u);  // never merged across pools
  EXPECT_EQ(a.heap.alloc(40 * 1024) != nullptr, true);
  alignas(16) static unsigned char tiny[32];
  EXPECT_FALSE(a.heap.add_pool(tiny, sizeof tiny));
}
