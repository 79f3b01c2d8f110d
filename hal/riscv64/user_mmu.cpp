// User address spaces on riscv64 (hal/user.hpp): one Sv39 root per address
// space whose upper half (entries 256-511) is a copy of the kernel root's, so
// kernel mappings are shared. That copy stays right because user_init splits
// every 1 GiB kernel leaf in the upper half into a table first: later kernel
// changes (guard pages) happen below the root, in tables all roots share.
// ASIDs tag the lower half (their width is probed); kernel threads run on
// the kernel root with ASID 0.
#include <hal/arch/csr.hpp>
#include <hal/arch/early.hpp>
#include <hal/arch/pt.hpp>
#include <hal/arch/sbi.hpp>
#include <hal/asid_pool.hpp>
#include <hal/upcalls.hpp>
#include <hal/user.hpp>
#include <klib/printk.hpp>

namespace hal {
namespace {

using namespace riscv;

constexpr std::uint64_t kU = 1 << 4;
hal::AsidPool g_asids;  // ASID 0 is the kernel's; none until user_init()

std::uint64_t* table(PhysAddr pa) { return static_cast<std::uint64_t*>(phys_to_virt(pa)); }
std::uint64_t make_pte(PhysAddr pa, std::uint64_t flags) { return ((pa >> 12) << 10) | flags; }
unsigned index(std::uintptr_t va, int level) { return (va >> (12 + 9 * level)) & 511; }

std::uint64_t leaf_flags(unsigned prot) {
  // A and D preset: no hardware A/D update faults.
  std::uint64_t f = pt::kV | kU | pt::kA | pt::kD | pt::kR;
  if (prot & kUserWrite) f |= pt::kW;
  if (prot & kUserExec) f |= pt::kX;
  return f;
}

void flush_page_everywhere(std::uintptr_t va) {
  sfence_vma(va);
  sbi::remote_sfence_vma(va, kPageSize);
}

std::uint64_t* walk(const UserPageTable* t, std::uintptr_t va, bool alloc) {
  std::uint64_t* tbl = table(t->root);
  for (int level = 2; level > 0; --level) {
    std::uint64_t& e = tbl[index(va, level)];
    if (!(e & pt::kV)) {
      if (!alloc) return nullptr;
      const PhysAddr next = kernel::alloc_page_table();
      if (!next) return nullptr;
      e = make_pte(next, pt::kV);
    }
    tbl = table(pt::pte_pa(e));
  }
  return &tbl[index(va, 0)];
}

unsigned probe_asid_bits() {
  const std::uint64_t satp = FUSION_CSR_READ(satp);
  FUSION_CSR_WRITE(satp, satp | (0xffffull << 44));
  const std::uint64_t back = FUSION_CSR_READ(satp);
  FUSION_CSR_WRITE(satp, satp);
  sfence_vma_all();
  // A bit loop, not popcount: GCC lowers that to SIMD-using code (tools/lint).
  unsigned bits = 0;
  for (std::uint64_t v = (back >> 44) & 0xffff; v; v >>= 1) bits += v & 1;
  return bits;
}

}  // namespace

void user_init() {
  // Split the upper half's 1 GiB leaves (the direct map) and create the MMIO
  // window's table, so no root entry of the kernel half changes from now on.
  const pt::Mapper m{riscv_va_pa_offset, kDirectMapBase};
  std::uint64_t* root = table(root_table_pa);
  for (unsigned i = 256; i < 512; ++i) {
    if (!pt::is_leaf(root[i])) continue;
    const std::uintptr_t va = (~0ull << 39) | (std::uint64_t{i} << 30);
    if (!pt::walk(m, root_table_pa, va, 1, true, nullptr))
      klib::printk("riscv64: user space: could not split the kernel leaf %u\n", i);
  }
  (void)pt::walk(m, root_table_pa, kMmioBase, 1, true, nullptr);
  sfence_vma_all();
  sbi::remote_sfence_vma(0, ~0ull);
  const unsigned bits = probe_asid_bits();
  g_asids.init(bits >= 8 ? hal::AsidPool::kMaxAsids : (1u << bits));
  klib::printk("riscv64: user space: %u ASID bits (%u used), SUM only inside usercopy\n", bits,
               g_asids.count());
}

klib::Result<void> user_table_create(UserPageTable* t) {
  // Without ASIDs every switch would need a full flush; not supported.
  if (g_asids.count() < 2) return klib::Err(klib::Error::NOSYS);
  const unsigned asid = g_asids.take();
  if (!asid) return klib::Err(klib::Error::AGAIN);
  const PhysAddr root = kernel::alloc_page_table();
  if (!root) {
    g_asids.give_back(asid);  // never used: nothing to flush
    return klib::Err(klib::Error::NOMEM);
  }
  const std::uint64_t* kroot = table(root_table_pa);
  std::uint64_t* r = table(root);
  for (unsigned i = 256; i < 512; ++i) r[i] = kroot[i];
  t->root = root;
  t->asid = asid;
  return klib::ok();
}

void user_table_destroy(UserPageTable* t, void (*release)(PhysAddr, void*), void* ctx) {
  if (!t->root) return;
  std::uint64_t* l2 = table(t->root);
  for (unsigned i = 0; i < 256; ++i) {
    if (!(l2[i] & pt::kV)) continue;
    std::uint64_t* l1 = table(pt::pte_pa(l2[i]));
    for (unsigned j = 0; j < 512; ++j) {
      if (!(l1[j] & pt::kV)) continue;
      std::uint64_t* l0 = table(pt::pte_pa(l1[j]));
      for (unsigned k = 0; k < 512; ++k)
        if (l0[k] & pt::kV) release(pt::pte_pa(l0[k]), ctx);
      kernel::free_page_table(pt::pte_pa(l1[j]));
    }
    kernel::free_page_table(pt::pte_pa(l2[i]));
  }
  kernel::free_page_table(t->root);
  // Drop whatever any hart cached for this ASID before it is reused.
  asm volatile("sfence.vma zero, %0" ::"r"(std::uint64_t{t->asid}) : "memory");
  sbi::remote_sfence_vma(0, ~0ull);
  g_asids.give_back(t->asid);
  t->root = 0;
  t->asid = 0;
}

klib::Result<void> user_map(UserPageTable* t, std::uintptr_t va, PhysAddr pa, unsigned prot) {
  if (va >= kUserTop || (va & (kPageSize - 1))) return klib::Err(klib::Error::INVAL);
  std::uint64_t* e = walk(t, va, true);
  if (!e) return klib::Err(klib::Error::NOMEM);
  const bool replace = *e & pt::kV;
  *e = make_pte(pa, leaf_flags(prot));
  if (replace)
    flush_page_everywhere(va);
  else
    sfence_vma(va);  // the hart may have cached the invalid entry
  return klib::ok();
}

bool user_lookup(const UserPageTable* t, std::uintptr_t va, PhysAddr* pa, unsigned* prot) {
  if (va >= kUserTop) return false;
  const std::uint64_t* e = walk(t, va, false);
  if (!e || !(*e & pt::kV)) return false;
  if (pa) *pa = pt::pte_pa(*e);
  if (prot) {
    *prot = kUserRead;
    if (*e & pt::kW) *prot |= kUserWrite;
    if (*e & pt::kX) *prot |= kUserExec;
  }
  return true;
}

void user_unmap_range(UserPageTable* t, std::uintptr_t start, std::uintptr_t end,
                      void (*release)(PhysAddr, void*), void* ctx) {
  if (end > kUserTop) end = kUserTop;
  std::uint64_t* l2 = table(t->root);
  std::uintptr_t va = start;
  while (va < end) {
    const std::uint64_t e2 = l2[index(va, 2)];
    if (!(e2 & pt::kV)) {
      va = (va | ((1ull << 30) - 1)) + 1;
      continue;
    }
    const std::uint64_t e1 = table(pt::pte_pa(e2))[index(va, 1)];
    if (!(e1 & pt::kV)) {
      va = (va | ((1ull << 21) - 1)) + 1;
      continue;
    }
    std::uint64_t& e0 = table(pt::pte_pa(e1))[index(va, 0)];
    if (e0 & pt::kV) {
      const PhysAddr pa = pt::pte_pa(e0);
      e0 = 0;
      flush_page_everywhere(va);  // before the page can be reused
      release(pa, ctx);
    }
    va += kPageSize;
  }
}

void context_attach_user(Context* ctx, const UserPageTable* t) {
  const IrqFlags flags = irq_save();
  ctx->user_satp = t ? (pt::kSatpSv39 | (std::uint64_t{t->asid} << 44) | (t->root >> 12)) : 0;
  FUSION_CSR_WRITE(satp, ctx->user_satp ? ctx->user_satp : riscv_boot_satp);
  irq_restore(flags);
}

}  // namespace hal
