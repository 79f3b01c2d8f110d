// Test helper: a BuddyAllocator over a fake physical range, optionally backed
// by a real host arena so KernelHeap can read and write the memory it hands out.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <mm/kmalloc.hpp>
#include <mm/page_alloc.hpp>
#include <vector>

namespace mm_test {

// Physical base chosen 4 MiB aligned so whole spans form kMaxOrder blocks.
inline constexpr mm::PhysAddr kFakeBase = 0x4000'0000;

class FakeRam {
 public:
  FakeRam(std::size_t npages, bool with_arena = false, mm::PhysAddr base = kFakeBase)
      : base_(base), descs_(npages) {
    buddy.init(base, npages, descs_.data());
    if (with_arena) {
      arena_.reset(
          static_cast<unsigned char*>(std::aligned_alloc(mm::kPageSize, npages * mm::kPageSize)));
    }
  }

  // Releases the whole span.
  void add_all() { buddy.add_free_range(base_, end()); }
  mm::PhysAddr base() const { return base_; }
  mm::PhysAddr end() const { return base_ + descs_.size() * mm::kPageSize; }
  mm::PhysAddr page(std::size_t i) const { return base_ + i * mm::kPageSize; }
  // virt = phys + offset, with unsigned wrap-around as in the kernel.
  std::uintptr_t offset() const {
    return reinterpret_cast<std::uintptr_t>(arena_.get()) - static_cast<std::uintptr_t>(base_);
  }
  unsigned char* virt(mm::PhysAddr pa) const { return arena_.get() + (pa - base_); }
  mm::Page* desc(std::size_t i) { return &descs_[i]; }

  mm::BuddyAllocator buddy;

 private:
  struct FreeDeleter {
    void operator()(unsigned char* p) const { std::free(p); }
  };
  mm::PhysAddr base_;
  std::vector<mm::Page> descs_;
  std::unique_ptr<unsigned char, FreeDeleter> arena_;
};

}  // namespace mm_test
