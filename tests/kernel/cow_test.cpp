// KTEST: copy-on-write address spaces without user mode: fork shares every
// present page (resident in both, no copy), a write in either space copies
// only the page written and leaves the other's contents alone, the last
// sharer takes a page over without copying, and 200 fork + write + destroy
// rounds give every page (data and tables) back.
#include <hal/user.hpp>
#include <kernel/ktest.hpp>
#include <mm/address_space.hpp>
#include <mm/heap.hpp>

namespace {

constexpr std::uintptr_t kBase = 0x40000000;
constexpr std::uintptr_t kPage = 4096;
constexpr unsigned kRw = mm::kProtRead | mm::kProtWrite;

// The byte at va as the space's page table maps it (0xff if unmapped).
unsigned char peek(mm::AddressSpace* as, std::uintptr_t va) {
  hal::PhysAddr pa = 0;
  if (!hal::user_lookup(as->table(), va & ~(kPage - 1), &pa, nullptr)) return 0xff;
  return static_cast<const unsigned char*>(hal::phys_to_virt(pa))[va & (kPage - 1)];
}

bool writable(mm::AddressSpace* as, std::uintptr_t va) {
  unsigned prot = 0;
  return hal::user_lookup(as->table(), va, nullptr, &prot) && (prot & hal::kUserWrite);
}

}  // namespace

KTEST(cow, fork_shares_then_copies_on_write) {
  const std::size_t baseline = mm::page_allocator().free_pages();
  auto parent = mm::AddressSpace::create();
  KT_ASSERT(parent.ok());
  mm::AddressSpace* p = *parent;
  KT_ASSERT(p->map_anonymous(kBase, 8 * kPage, kRw, mm::VmaKind::Anonymous, true).ok());
  for (unsigned i = 0; i < 4; ++i) {  // four of the eight pages present
    const unsigned char v = static_cast<unsigned char>('a' + i);
    KT_ASSERT(p->write(kBase + i * kPage, &v, 1).ok());
  }
  KT_EXPECT_EQ(p->resident_pages(), 4u);
  KT_EXPECT(writable(p, kBase));

  auto forked = p->fork();
  KT_ASSERT(forked.ok());
  mm::AddressSpace* c = *forked;
  KT_EXPECT_EQ(c->resident_pages(), 4u);
  KT_EXPECT_EQ(c->area_count(), p->area_count());
  // Shared read-only in both; same contents.
  KT_EXPECT(!writable(p, kBase) && !writable(c, kBase));
  KT_EXPECT_EQ(peek(c, kBase + 2 * kPage), 'c');

  // The child writes page 0: it gets a copy; the parent keeps its byte.
  KT_EXPECT(c->fault(kBase, mm::kProtWrite) == mm::FaultResult::Resolved);
  KT_EXPECT_EQ(c->cow_copies(), 1u);
  const unsigned char C = 'C';
  KT_EXPECT(c->write(kBase, &C, 1).ok());
  KT_EXPECT_EQ(peek(c, kBase), 'C');
  KT_EXPECT_EQ(peek(p, kBase), 'a');
  KT_EXPECT(writable(c, kBase));
  // The parent is now the only sharer of its page 0: no copy needed.
  KT_EXPECT(p->fault(kBase, mm::kProtWrite) == mm::FaultResult::Resolved);
  KT_EXPECT_EQ(p->cow_copies(), 0u);
  KT_EXPECT(writable(p, kBase));
  // A page neither wrote is still one physical page.
  hal::PhysAddr pp = 0, cp = 0;
  KT_EXPECT(hal::user_lookup(p->table(), kBase + kPage, &pp, nullptr));
  KT_EXPECT(hal::user_lookup(c->table(), kBase + kPage, &cp, nullptr));
  KT_EXPECT_EQ(pp, cp);
  // A read of a shared page resolves without copying; mprotect keeps it
  // read-only while shared.
  KT_EXPECT(c->fault(kBase + kPage, mm::kProtRead) == mm::FaultResult::Resolved);
  KT_EXPECT(c->protect(kBase + kPage, kPage, kRw).ok());
  KT_EXPECT(!writable(c, kBase + kPage));
  KT_EXPECT_EQ(c->cow_copies(), 1u);

  mm::AddressSpace::destroy(c);
  KT_EXPECT_EQ(peek(p, kBase + kPage), 'b');  // the child's exit left the page
  mm::AddressSpace::destroy(p);
  KT_EXPECT_EQ(mm::page_allocator().free_pages(), baseline);
}

KTEST(cow, two_hundred_forks_return_every_page) {
  auto parent = mm::AddressSpace::create();
  KT_ASSERT(parent.ok());
  mm::AddressSpace* p = *parent;
  KT_ASSERT(p->map_anonymous(kBase, 16 * kPage, kRw, mm::VmaKind::Anonymous, true).ok());
  for (unsigned i = 0; i < 16; ++i) {
    const unsigned char v = static_cast<unsigned char>(i);
    KT_ASSERT(p->write(kBase + i * kPage, &v, 1).ok());
  }
  const std::size_t before = mm::page_allocator().free_pages();
  unsigned failures = 0;
  for (unsigned round = 0; round < 200; ++round) {
    auto c = p->fork();
    if (!c.ok()) {
      ++failures;
      continue;
    }
    const unsigned char v = static_cast<unsigned char>(round);
    // The child writes two pages; the parent writes one (taking over or copying).
    if (!(*c)->write(kBase + (round % 16) * kPage, &v, 1).ok()) ++failures;
    if (!(*c)->write(kBase + ((round + 5) % 16) * kPage, &v, 1).ok()) ++failures;
    if (!p->write(kBase + ((round + 9) % 16) * kPage, &v, 1).ok()) ++failures;
    mm::AddressSpace::destroy(*c);
  }
  KT_EXPECT_EQ(failures, 0u);
  // Every copy and table the children had is back; the parent kept its 16.
  KT_EXPECT_EQ(mm::page_allocator().free_pages(), before);
  KT_EXPECT_EQ(p->resident_pages(), 16u);
  mm::AddressSpace::destroy(p);
}
