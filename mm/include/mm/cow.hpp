// Copy-on-write accounting for user pages. Page::map_refs counts the
// address spaces that map a page: fork shares every present private page
// read-only (one more reference), a write fault on a shared page copies it
// (one reference less) and a space that finds itself the last sharer takes
// the page over without copying. Portable and host-tested; the page tables
// stay in mm/src/kernel/address_space.cpp behind the hal contract.
#pragma once

#include <mm/page_alloc.hpp>

#include <cstdint>

namespace mm {

// A fresh page now mapped by one space.
inline void page_ref_init(Page* p) { __atomic_store_n(&p->map_refs, 1u, __ATOMIC_RELAXED); }
// Another space maps it (fork).
inline void page_ref_get(Page* p) { __atomic_fetch_add(&p->map_refs, 1u, __ATOMIC_RELAXED); }
// A space stops mapping it; true when it was the last one (free the page).
inline bool page_ref_put(Page* p) {
  return __atomic_fetch_sub(&p->map_refs, 1u, __ATOMIC_ACQ_REL) == 1;
}
inline std::uint32_t page_refs(const Page* p) {
  return __atomic_load_n(&p->map_refs, __ATOMIC_ACQUIRE);
}

enum class CowAction : std::uint8_t {
  Reuse,  // the faulting space is the only sharer: make the page writable
  Copy,   // others still map it: give the faulting space its own copy
};

// What a write fault on a present, area-writable but read-only page does.
// Only the space that holds the page can add sharers (fork runs under that
// space's lock), so a count of 1 seen under the faulting space's lock stays 1.
inline CowAction cow_write_action(const Page* p) {
  return page_refs(p) <= 1 ? CowAction::Reuse : CowAction::Copy;
}

// The rights a present page gets in a space: the area's, without write
// while the page is shared (the write fault does the copy).
inline unsigned cow_page_prot(unsigned area_prot, const Page* p) {
  return page_refs(p) > 1 ? area_prot & ~2u : area_prot;
}

}  // namespace mm
