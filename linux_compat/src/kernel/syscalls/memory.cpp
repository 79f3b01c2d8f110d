// brk and anonymous private mmap/munmap over the process's mm::AddressSpace.
// File mappings and MAP_SHARED are not implemented yet (ENODEV / EINVAL
// rather than a wrong result). mprotect to PROT_NONE drops the pages (they
// come back zeroed), see mm::AddressSpace::protect.
#include <kernel/process.hpp>
#include <mm/address_space.hpp>

#include "../linux_process.hpp"
#include "syscalls.hpp"

namespace linux_compat {
namespace {

using klib::Error;

constexpr std::uint64_t kMapShared = 0x01, kMapPrivate = 0x02, kMapSharedValidate = 0x03,
                        kMapFixed = 0x10, kMapAnonymous = 0x20, kMapNoreserve = 0x4000,
                        kMapPopulate = 0x8000, kMapStack = 0x20000, kMapFixedNoreplace = 0x100000,
                        kMapGrowsdown = 0x100, kMapDenywrite = 0x800, kMapExecutable = 0x1000;
constexpr std::uint64_t kProtMask = 7;
constexpr std::uint64_t kPage = 4096;

mm::AddressSpace* space() { return kernel::current_process()->address_space; }

}  // namespace

long sys_brk(const Args& a) {
  mm::AddressSpace* as = space();
  return as ? static_cast<long>(as->brk(a.a[0])) : err(Error::NOMEM);
}

long sys_mmap(const Args& a) {
  const std::uint64_t addr = a.a[0], len = a.a[1], prot = a.a[2], flags = a.a[3];
  const std::uint64_t offset = a.a[5];
  if (len == 0 || (offset & (kPage - 1))) return err(Error::INVAL);
  if (prot & ~kProtMask) return err(Error::INVAL);
  const std::uint64_t type = flags & kMapSharedValidate;
  if (type != kMapPrivate && type != kMapShared && type != kMapSharedValidate)
    return err(Error::INVAL);
  const std::uint64_t known = kMapSharedValidate | kMapFixed | kMapAnonymous | kMapNoreserve |
                              kMapPopulate | kMapStack | kMapFixedNoreplace | kMapGrowsdown |
                              kMapDenywrite | kMapExecutable;
  if (type == kMapSharedValidate && (flags & ~known)) return err(Error::NOTSUP);
  if (!(flags & kMapAnonymous)) return err(Error::NODEV);  // no file mappings yet
  if (type != kMapPrivate) return err(Error::INVAL);       // no shared memory yet
  mm::AddressSpace* as = space();
  if (!as) return err(Error::NOMEM);
  const bool fixed = flags & (kMapFixed | kMapFixedNoreplace);
  if (fixed && (addr & (kPage - 1))) return err(Error::INVAL);
  if ((flags & kMapFixedNoreplace) && !(flags & kMapFixed)) {
    // Must not replace: fail if anything is there.
    auto r =
        as->map_anonymous(addr, len, static_cast<unsigned>(prot), mm::VmaKind::Anonymous, false);
    if (r.ok() && *r != addr) {
      (void)as->unmap(*r, len);
      return err(Error::EXIST);
    }
    return ret(r);
  }
  return ret(
      as->map_anonymous(addr, len, static_cast<unsigned>(prot), mm::VmaKind::Anonymous, fixed));
}

long sys_munmap(const Args& a) {
  mm::AddressSpace* as = space();
  if (!as) return err(Error::INVAL);
  return ret(as->unmap(a.a[0], a.a[1]));
}

long sys_mprotect(const Args& a) {
  const std::uint64_t addr = a.a[0], len = a.a[1], prot = a.a[2];
  if ((addr & (kPage - 1)) || (prot & ~kProtMask)) return err(Error::INVAL);
  if (len == 0) return 0;
  mm::AddressSpace* as = space();
  if (!as) return err(Error::NOMEM);
  return ret(as->protect(addr, len, static_cast<unsigned>(prot)));
}

}  // namespace linux_compat
