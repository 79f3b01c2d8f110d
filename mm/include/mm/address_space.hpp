// A user address space: the VMA set, the hal page tables (with their ASID)
// and the anonymous pages behind them, kept in step under one lock. Pages
// are demand-zero: an area is only reserved until the first touch faults a
// zeroed page in; after fork, pages are shared copy-on-write. Kernel build only
// (mm/src/kernel/address_space.cpp).
#pragma once

#include <hal/user.hpp>
#include <klib/result.hpp>
#include <klib/spinlock.hpp>
#include <mm/vma.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace mm {

// Where things go in every user address space (both arches: the smaller,
// riscv64 Sv39 lower half bounds it).
inline constexpr std::uintptr_t kUserStackTop = std::uintptr_t{1} << 38;
inline constexpr std::size_t kUserStackSize = 8u << 20;  // reserved, demand-faulted
// mmap areas are placed top-down below the stack's reservation and a gap.
inline constexpr std::uintptr_t kMmapTop =
    kUserStackTop - kUserStackSize - (std::uintptr_t{1} << 30);
inline constexpr std::uintptr_t kMmapMin = 0x10000;  // Linux's default mmap_min_addr

enum class FaultResult : std::uint8_t {
  Resolved,  // a page is there now: retry the access
  NoArea,    // no area at the address (SEGV_MAPERR)
  Denied,    // the area forbids the access (SEGV_ACCERR)
  NoMemory,  // no page to fault in
};

class AddressSpace {
 public:
  // A new space with one user (reference).
  static klib::Result<AddressSpace*> create();
  // Frees the pages, tables and ASID. No thread may have it attached.
  static void destroy(AddressSpace* as);
  // Processes sharing one space (vfork, clone with CLONE_VM) each hold a
  // reference; the last put destroys it.
  void get() { users_.fetch_add(1, std::memory_order_relaxed); }
  static void put(AddressSpace* as) {
    if (as && as->users_.fetch_sub(1, std::memory_order_acq_rel) == 1) destroy(as);
  }

  hal::UserPageTable* table() { return &table_; }

  // fork: a new space with copies of the areas, sharing every present page
  // copy-on-write (read-only in both until one writes). NOMEM, AGAIN (no
  // ASID).
  klib::Result<AddressSpace*> fork();

  // Adds a demand-zero area of len bytes (rounded up to pages). fixed: at
  // exactly `addr`, replacing what was there (MAP_FIXED); otherwise `addr`
  // is a hint, used if free, else the highest free gap below kMmapTop.
  // INVAL for a misaligned fixed address or a range outside user space,
  // NOMEM when nothing fits.
  klib::Result<std::uintptr_t> map_anonymous(std::uintptr_t addr, std::size_t len, unsigned prot,
                                             VmaKind kind, bool fixed);
  // Removes [addr, addr + len) from every area and frees its pages.
  klib::Result<void> unmap(std::uintptr_t addr, std::size_t len);

  // mprotect: new rights for [addr, addr + len), which must be mapped
  // throughout (NOMEM otherwise). Present pages are remapped with the new
  // rights; PROT_NONE drops them (hal has no present-but-inaccessible user
  // page yet), so they read back as zeroes if made accessible again.
  klib::Result<void> protect(std::uintptr_t addr, std::size_t len, unsigned prot);

  // The program break. set_brk_base marks the end of the loaded image;
  // brk(0) or a bad request returns the current break (Linux semantics).
  void set_brk_base(std::uintptr_t base);
  std::uintptr_t brk(std::uintptr_t want);

  // A fault at `addr` for `access` (kProtRead/Write/Exec).
  FaultResult fault(std::uintptr_t addr, unsigned access);

  // Copies kernel bytes into the space (the loader, the initial stack),
  // whatever the areas' rights; FAULT where no area is.
  klib::Result<void> write(std::uintptr_t va, const void* src, std::size_t n);

  // Statistics for tests and /proc.
  std::size_t resident_pages() const { return resident_; }
  std::size_t area_count() const { return vmas_.count(); }
  std::size_t cow_copies() const { return cow_copies_; }  // write faults that copied

 private:
  AddressSpace();
  ~AddressSpace() = default;
  // The page at `page` (aligned) in area `v`, faulted in if absent.
  klib::Result<hal::PhysAddr> page_locked(const Vma* v, std::uintptr_t page);
  void unmap_locked(std::uintptr_t start, std::uintptr_t end);
  // A write to the present page `pa` at `page` in writable area `v` that hal
  // maps read-only: shared after fork, so copy it, or take it over when this
  // space is the last sharer.
  klib::Result<void> break_cow_locked(const Vma* v, std::uintptr_t page, hal::PhysAddr pa);

  mutable klib::SpinLockIrq lock_;
  VmaSet vmas_;
  hal::UserPageTable table_;
  std::uintptr_t brk_base_ = 0;
  std::uintptr_t brk_ = 0;
  std::size_t resident_ = 0;
  std::size_t cow_copies_ = 0;
  std::atomic<unsigned> users_{1};
};

}  // namespace mm
