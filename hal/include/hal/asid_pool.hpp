// The address-space ids of user page tables, shared by the MMU ports: one
// lock around a klib::IdBitmap. ASID 0 stays the kernel's (its empty or
// kernel-only table); a port sets how many its CPU offers at user_init().
#pragma once

#include <klib/id_bitmap.hpp>
#include <klib/spinlock.hpp>

namespace hal {

class AsidPool {
 public:
  static constexpr unsigned kMaxAsids = 256;  // what the pool uses of any CPU's

  void init(unsigned asids_offered) {
    klib::SpinGuard guard(lock_);
    ids_.set_limit(asids_offered);
  }
  // Usable ids (1 .. count()-1); below 2 the CPU has none to spare.
  unsigned count() {
    klib::SpinGuard guard(lock_);
    return ids_.limit();
  }
  // A free ASID, or 0 when all are in use.
  unsigned take() {
    klib::SpinGuard guard(lock_);
    return ids_.take_lowest();
  }
  // The caller has flushed the TLBs of every CPU for ASID first.
  void give_back(unsigned asid) {
    klib::SpinGuard guard(lock_);
    ids_.give_back(asid);
  }

 private:
  klib::SpinLockIrq lock_;
  klib::IdBitmap<kMaxAsids> ids_;
};

}  // namespace hal
