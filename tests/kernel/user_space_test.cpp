// KTEST: user address spaces without user mode: demand-zero pages faulted in
// by usercopy, EFAULT for NULL, unmapped, read-only and kernel addresses,
// strncpy_from_user limits, munmap/brk, and the pages back on destroy.
#include <hal/user.hpp>
#include <kernel/ktest.hpp>
#include <kernel/process.hpp>
#include <mm/address_space.hpp>
#include <mm/heap.hpp>
#include <mm/usercopy.hpp>
#include <sched/sched.hpp>

namespace {

using klib::Error;

constexpr std::uintptr_t kBase = 0x40000000;  // 1 GiB
constexpr std::uintptr_t kPage = 4096;

struct Results {
  std::uintptr_t rw = 0, ro = 0;
  bool copy_out = false, copy_back = false;
  Error null_in{}, null_out{}, unmapped{}, kernel_in{}, kernel_out{}, readonly{}, wrap{};
  bool read_ro_zero = false;
  Error str_long{};
  long str_len = -1;
  std::size_t resident_after = 0;
};

Error err(const klib::Result<void>& r) { return r.ok() ? Error{} : r.error(); }

int g_kernel_word = 42;

void body(void* arg) {
  auto* r = static_cast<Results*>(arg);
  kernel::Process* p = kernel::current_process();
  sched::Thread* self = sched::current();
  hal::context_attach_user(&self->ctx, p->address_space->table());

  // Six bytes across a page boundary: two demand-zero faults inside usercopy.
  const char msg[] = "hello";
  r->copy_out = mm::copy_to_user(r->rw + kPage - 3, msg, sizeof msg).ok();
  char back[8] = {};
  r->copy_back = mm::copy_from_user(back, r->rw + kPage - 3, sizeof msg).ok() &&
                 __builtin_memcmp(back, msg, sizeof msg) == 0;
  r->null_in = err(mm::copy_from_user(back, 0, 1));
  r->null_out = err(mm::copy_to_user(0, msg, 1));
  r->unmapped = err(mm::copy_from_user(back, r->rw + 64 * kPage, 1));
  const auto kaddr = reinterpret_cast<std::uintptr_t>(&g_kernel_word);
  r->kernel_in = err(mm::copy_from_user(back, kaddr, sizeof(int)));
  r->kernel_out = err(mm::copy_to_user(kaddr, msg, sizeof(int)));
  r->wrap = err(mm::copy_from_user(back, ~std::uintptr_t{0} - 2, 8));
  // A read-only area reads as zeroes but refuses writes.
  std::uint64_t word = 1;
  r->read_ro_zero = mm::get_user(&word, r->ro).ok() && word == 0;
  r->readonly = err(mm::put_user(r->ro, word));
  // Strings: too long for the buffer, and one that fits.
  char small[4];
  auto s = mm::strncpy_from_user(small, r->rw + kPage - 3, sizeof small);
  r->str_long = s.ok() ? Error{} : s.error();
  char big[16];
  auto t = mm::strncpy_from_user(big, r->rw + kPage - 3, sizeof big);
  r->str_len = t.ok() ? static_cast<long>(*t) : -1;

  r->resident_after = p->address_space->resident_pages();
  hal::context_attach_user(&self->ctx, nullptr);
}

}  // namespace

KTEST(user_space, usercopy_demand_zero_and_efault) {
  auto as = mm::AddressSpace::create();
  KT_ASSERT(as.ok());
  Results r;
  auto rw = (*as)->map_anonymous(kBase, 16 * kPage, mm::kProtRead | mm::kProtWrite,
                                 mm::VmaKind::Anonymous, true);
  auto ro = (*as)->map_anonymous(0, 4 * kPage, mm::kProtRead, mm::VmaKind::Anonymous, false);
  KT_ASSERT(rw.ok() && ro.ok());
  r.rw = *rw;
  r.ro = *ro;
  KT_EXPECT_EQ(r.rw, kBase);
  KT_EXPECT(r.ro >= mm::kMmapMin && r.ro + 4 * kPage <= mm::kMmapTop);

  auto p = kernel::process_create("kt-user", nullptr);
  KT_ASSERT(p.ok());
  (*p)->address_space = *as;
  kernel::ThreadParams params;
  params.name = "kt-user";
  auto th = kernel::thread_spawn(*p, params, body, &r);
  KT_ASSERT(th.ok());
  kernel::thread_put(*th);
  const kernel::Pid pid = (*p)->pid;
  int status = -1;
  auto reaped = kernel::wait_child(pid, &status, 0);
  KT_EXPECT(reaped.ok() && *reaped == pid);
  KT_EXPECT_EQ(status, 0);

  KT_EXPECT(r.copy_out);
  KT_EXPECT(r.copy_back);
  KT_EXPECT_EQ(static_cast<int>(r.null_in), static_cast<int>(Error::FAULT));
  KT_EXPECT_EQ(static_cast<int>(r.null_out), static_cast<int>(Error::FAULT));
  KT_EXPECT_EQ(static_cast<int>(r.unmapped), static_cast<int>(Error::FAULT));
  KT_EXPECT_EQ(static_cast<int>(r.kernel_in), static_cast<int>(Error::FAULT));
  KT_EXPECT_EQ(static_cast<int>(r.kernel_out), static_cast<int>(Error::FAULT));
  KT_EXPECT_EQ(static_cast<int>(r.wrap), static_cast<int>(Error::FAULT));
  KT_EXPECT(r.read_ro_zero);
  KT_EXPECT_EQ(static_cast<int>(r.readonly), static_cast<int>(Error::FAULT));
  KT_EXPECT_EQ(static_cast<int>(r.str_long), static_cast<int>(Error::NAMETOOLONG));
  KT_EXPECT_EQ(r.str_len, 5);
  KT_EXPECT_EQ(r.resident_after, 3u);  // two rw pages, one ro page
  KT_EXPECT_EQ(g_kernel_word, 42);

  // munmap frees the pages it covers; brk grows and shrinks the heap.
  KT_EXPECT((*as)->unmap(r.rw, 16 * kPage).ok());
  KT_EXPECT_EQ((*as)->resident_pages(), 1u);
  (*as)->set_brk_base(0x20000000 + 100);
  const std::uintptr_t b0 = (*as)->brk(0);
  KT_EXPECT_EQ(b0, 0x20001000u);
  KT_EXPECT_EQ((*as)->brk(b0 + 3 * kPage), b0 + 3 * kPage);
  KT_EXPECT_EQ((*as)->brk(b0 + kPage), b0 + kPage);
  KT_EXPECT_EQ((*as)->brk(1), b0 + kPage);  // below the base: unchanged
  // Destroying gives back the resident page and at least three tables.
  const std::size_t resident = (*as)->resident_pages();
  const std::size_t free_before = mm::page_allocator().free_pages();
  mm::AddressSpace::destroy(*as);
  KT_EXPECT(mm::page_allocator().free_pages() >= free_before + resident + 3);
}
