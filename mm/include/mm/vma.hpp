// The set of virtual memory areas of one user address space: disjoint,
// page-aligned [start, end) ranges with their rights, kept sorted. Portable
// (host-tested); the address space (mm/address_space.hpp) owns one and keeps
// the page tables in step with it. Nodes come from an allocator the owner
// supplies, since splitting an area needs a new node.
#pragma once

#include <klib/list.hpp>
#include <klib/result.hpp>

#include <cstddef>
#include <cstdint>

namespace mm {

// Rights: the PROT_* bit values (and hal::kUser*).
inline constexpr unsigned kProtRead = 1;
inline constexpr unsigned kProtWrite = 2;
inline constexpr unsigned kProtExec = 4;

// What backs an area.
enum class VmaKind : std::uint8_t {
  Anonymous,  // demand-zero private pages
  Stack,      // anonymous, the initial stack (grows by mapping, not on fault yet)
  Heap,       // anonymous, the brk area
};

struct Vma {
  std::uintptr_t start = 0;
  std::uintptr_t end = 0;
  unsigned prot = 0;
  VmaKind kind = VmaKind::Anonymous;
  klib::ListNode link;
};

struct VmaAllocator {
  void* (*alloc)(std::size_t bytes);  // nullptr when out of memory
  void (*free)(void* p);
};

class VmaSet {
 public:
  static constexpr std::uintptr_t kPage = 4096;

  explicit VmaSet(VmaAllocator a) : alloc_(a) {}
  ~VmaSet();
  VmaSet(const VmaSet&) = delete;
  VmaSet& operator=(const VmaSet&) = delete;

  // Adds [start, end). INVAL when empty or not page aligned, EXIST when it
  // overlaps an area, NOMEM.
  klib::Result<Vma*> insert(std::uintptr_t start, std::uintptr_t end, unsigned prot, VmaKind kind);
  // The area containing addr, or nullptr.
  const Vma* find(std::uintptr_t addr) const;
  bool overlaps(std::uintptr_t start, std::uintptr_t end) const;
  // Removes [start, end) from every area it touches, splitting an area that
  // contains it strictly (NOMEM if that split finds no node; nothing changed
  // then). Returns how many bytes were covered by areas.
  klib::Result<std::size_t> remove(std::uintptr_t start, std::uintptr_t end);
  // Grows or shrinks the area that starts at `start` to end at new_end.
  // INVAL if no area starts there or new_end <= start, EXIST if growing
  // would overlap the next area.
  klib::Result<void> resize(std::uintptr_t start, std::uintptr_t new_end);
  // Sets the rights of [start, end), which areas must cover completely
  // (NOMEM otherwise, as mprotect), splitting the areas at both ends (NOMEM
  // if that finds no node; nothing changed then).
  klib::Result<void> protect(std::uintptr_t start, std::uintptr_t end, unsigned prot);
  // The highest page-aligned gap of `len` bytes inside [low, high), or NOMEM.
  // Linux places mmap top-down the same way.
  klib::Result<std::uintptr_t> find_gap(std::size_t len, std::uintptr_t low,
                                        std::uintptr_t high) const;

  // Makes this (empty) set a copy of `other` (fork). NOMEM leaves it empty;
  // INVAL if it was not empty.
  klib::Result<void> copy_from(const VmaSet& other);

  std::size_t count() const { return list_.size(); }
  template <typename Fn>
  void for_each(Fn&& fn) const {
    list_.for_each([&](Vma* v) { fn(static_cast<const Vma&>(*v)); });
  }

 private:
  Vma* make(std::uintptr_t start, std::uintptr_t end, unsigned prot, VmaKind kind);
  void insert_sorted(Vma* v);

  VmaAllocator alloc_;
  klib::List<Vma, &Vma::link> list_;  // sorted by start
};

}  // namespace mm
