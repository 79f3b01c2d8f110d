// User address spaces on aarch64 (hal/user.hpp): TTBR0_EL1 tables, 4 KiB
// granule, three levels over the 39-bit lower half, tagged with 8-bit ASIDs
// (TCR_EL1.AS = 0, A1 = 0: the ASID comes from TTBR0). Kernel threads run
// with an empty table (ASID 0), so a stale user table is never walked.
#include <hal/arch/sysreg.hpp>
#include <hal/asid_pool.hpp>
#include <hal/upcalls.hpp>
#include <hal/user.hpp>
#include <klib/printk.hpp>

#include "pgtable.hpp"

extern "C" {
// TTBR0 value of kernel threads: the empty table, ASID 0 (context.S).
std::uint64_t aarch64_kernel_only_ttbr0;
}

namespace hal {
namespace {

namespace pt = arch::pt;

constexpr std::uint64_t kApUser = 1ull << 6;  // AP[1]: EL0 may access
constexpr std::uint64_t kNotGlobal = 1ull << 11;
constexpr unsigned kAsids = 256;  // 8-bit ASIDs (TCR_EL1.AS = 0)

alignas(4096) std::uint64_t g_empty_table[512];

hal::AsidPool g_asids;  // ASID 0 is the kernel's

std::uint64_t* table(PhysAddr pa) { return static_cast<std::uint64_t*>(phys_to_virt(pa)); }

unsigned index(std::uintptr_t va, int level) { return (va >> (12 + 9 * (3 - level))) & 511; }

std::uint64_t leaf_attrs(unsigned prot) {
  std::uint64_t a =
      pt::kAttrNormal | pt::kShInner | pt::kAccessed | kApUser | kNotGlobal | pt::kPxn;
  if (!(prot & kUserWrite)) a |= pt::kApReadOnly;
  if (!(prot & kUserExec)) a |= pt::kUxn;
  return a;
}

unsigned prot_of(std::uint64_t pte) {
  unsigned prot = kUserRead;
  if (!(pte & pt::kApReadOnly)) prot |= kUserWrite;
  if (!(pte & pt::kUxn)) prot |= kUserExec;
  return prot;
}

void flush_page(unsigned asid, std::uintptr_t va) {
  arch::dsb_ishst();
  const std::uint64_t arg = (std::uint64_t{asid} << 48) | ((va >> 12) & ((1ull << 44) - 1));
  asm volatile("tlbi vae1is, %0" ::"r"(arg) : "memory");
  arch::dsb_ish();
  arch::isb();
}

void flush_asid(unsigned asid) {
  arch::dsb_ishst();
  asm volatile("tlbi aside1is, %0" ::"r"(std::uint64_t{asid} << 48) : "memory");
  arch::dsb_ish();
  arch::isb();
}

// The level-3 entry for va; creates the tables on the way when `alloc`.
std::uint64_t* walk(const UserPageTable* t, std::uintptr_t va, bool alloc) {
  std::uint64_t* tbl = table(t->root);
  for (int level = 1; level < 3; ++level) {
    std::uint64_t& e = tbl[index(va, level)];
    if (!(e & pt::kValid)) {
      if (!alloc) return nullptr;
      const PhysAddr next = kernel::alloc_page_table();
      if (!next) return nullptr;
      arch::dsb_ishst();  // the zeroed table is visible before the walker sees it
      e = next | pt::kValid | pt::kTableOrPage;
    }
    tbl = table(e & pt::kAddrMask);
  }
  return &tbl[index(va, 3)];
}

}  // namespace

namespace arch {

bool pan_implemented() { return (HAL_READ_SYSREG(id_aa64mmfr1_el1) >> 20) & 0xf; }

void user_cpu_init() {
  aarch64_kernel_only_ttbr0 =
      pt::image_virt_to_phys(reinterpret_cast<std::uint64_t>(g_empty_table));
  HAL_WRITE_SYSREG(ttbr0_el1, aarch64_kernel_only_ttbr0);
  // TTBR0 walks on (EPD0 = 0): user tables and the empty one are walked.
  HAL_WRITE_SYSREG(tcr_el1, HAL_READ_SYSREG(tcr_el1) & ~(1ull << 7));
  isb();
  asm volatile("tlbi vmalle1\n dsb nsh\n isb" ::: "memory");
  if (pan_implemented()) {
    // SCTLR_EL1.SPAN = 0: every exception to EL1 sets PSTATE.PAN, so the
    // kernel faults on plain accesses to user pages (usercopy uses LDTR/STTR).
    HAL_WRITE_SYSREG(sctlr_el1, HAL_READ_SYSREG(sctlr_el1) & ~(1ull << 23));
    asm volatile(".inst 0xd500419f" ::: "memory");  // msr pan, #1
    isb();
  }
}

}  // namespace arch

void user_init() {
  g_asids.init(kAsids);
  const std::uint64_t mmfr1 = HAL_READ_SYSREG(id_aa64mmfr1_el1);
  klib::printk("aarch64: user space: 8-bit ASIDs, PAN %s\n",
               ((mmfr1 >> 20) & 0xf) ? "on" : "not implemented by this CPU (LDTR/STTR usercopy)");
}

klib::Result<void> user_table_create(UserPageTable* t) {
  const unsigned asid = g_asids.take();
  if (!asid) return klib::Err(klib::Error::AGAIN);
  const PhysAddr root = kernel::alloc_page_table();
  if (!root) {
    g_asids.give_back(asid);  // never used: nothing to flush
    return klib::Err(klib::Error::NOMEM);
  }
  t->root = root;
  t->asid = asid;
  return klib::ok();
}

void user_table_destroy(UserPageTable* t, void (*release)(PhysAddr, void*), void* ctx) {
  if (!t->root) return;
  std::uint64_t* l1 = table(t->root);
  for (unsigned i = 0; i < 512; ++i) {
    if (!(l1[i] & pt::kValid)) continue;
    std::uint64_t* l2 = table(l1[i] & pt::kAddrMask);
    for (unsigned j = 0; j < 512; ++j) {
      if (!(l2[j] & pt::kValid)) continue;
      std::uint64_t* l3 = table(l2[j] & pt::kAddrMask);
      for (unsigned k = 0; k < 512; ++k)
        if (l3[k] & pt::kValid) release(l3[k] & pt::kAddrMask, ctx);
      kernel::free_page_table(l2[j] & pt::kAddrMask);
    }
    kernel::free_page_table(l1[i] & pt::kAddrMask);
  }
  kernel::free_page_table(t->root);
  // No CPU runs on this table any more; drop what the TLBs kept for the
  // ASID before it is handed out again.
  flush_asid(t->asid);
  g_asids.give_back(t->asid);
  t->root = 0;
  t->asid = 0;
}

klib::Result<void> user_map(UserPageTable* t, std::uintptr_t va, PhysAddr pa, unsigned prot) {
  if (va >= kUserTop || (va & (kPageSize - 1))) return klib::Err(klib::Error::INVAL);
  std::uint64_t* e = walk(t, va, true);
  if (!e) return klib::Err(klib::Error::NOMEM);
  if (*e & pt::kValid) {  // break before make
    *e = 0;
    flush_page(t->asid, va);
  }
  *e = pa | leaf_attrs(prot) | pt::kValid | pt::kTableOrPage;
  // A new valid entry needs no invalidation, only ordering before use.
  arch::dsb_ishst();
  arch::isb();
  return klib::ok();
}

bool user_lookup(const UserPageTable* t, std::uintptr_t va, PhysAddr* pa, unsigned* prot) {
  if (va >= kUserTop) return false;
  const std::uint64_t* e = walk(t, va, false);
  if (!e || !(*e & pt::kValid)) return false;
  if (pa) *pa = *e & pt::kAddrMask;
  if (prot) *prot = prot_of(*e);
  return true;
}

void user_unmap_range(UserPageTable* t, std::uintptr_t start, std::uintptr_t end,
                      void (*release)(PhysAddr, void*), void* ctx) {
  if (end > kUserTop) end = kUserTop;
  std::uint64_t* l1 = table(t->root);
  std::uintptr_t va = start;
  while (va < end) {
    const std::uint64_t e1 = l1[index(va, 1)];
    if (!(e1 & pt::kValid)) {
      va = (va | ((1ull << 30) - 1)) + 1;
      continue;
    }
    const std::uint64_t e2 = table(e1 & pt::kAddrMask)[index(va, 2)];
    if (!(e2 & pt::kValid)) {
      va = (va | ((1ull << 21) - 1)) + 1;
      continue;
    }
    std::uint64_t& e3 = table(e2 & pt::kAddrMask)[index(va, 3)];
    if (e3 & pt::kValid) {
      const PhysAddr pa = e3 & pt::kAddrMask;
      e3 = 0;
      // Flushed before the page is released: no CPU may still reach it.
      flush_page(t->asid, va);
      release(pa, ctx);
    }
    va += kPageSize;
  }
}

void context_attach_user(Context* ctx, const UserPageTable* t) {
  const IrqFlags flags = irq_save();
  ctx->user_root = t ? (t->root | (std::uint64_t{t->asid} << 48)) : 0;
  HAL_WRITE_SYSREG(ttbr0_el1, ctx->user_root ? ctx->user_root : aarch64_kernel_only_ttbr0);
  arch::isb();
  irq_restore(flags);
}

}  // namespace hal
