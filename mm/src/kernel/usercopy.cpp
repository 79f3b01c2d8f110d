// mm/usercopy.hpp over the hal primitives: the range check here, the fault
// handling (demand paging, EFAULT fixup) in the trap path.
#include <hal/user.hpp>
#include <mm/usercopy.hpp>

namespace mm {

bool user_range_ok(std::uintptr_t addr, std::size_t n) {
  if (n == 0) return true;
  return addr < hal::kUserTop && n <= hal::kUserTop - addr;
}

klib::Result<void> copy_from_user(void* dst, std::uintptr_t usrc, std::size_t n) {
  if (!user_range_ok(usrc, n)) return klib::Err(klib::Error::FAULT);
  if (hal::user_copy_in(dst, reinterpret_cast<const void*>(usrc), n) != 0)
    return klib::Err(klib::Error::FAULT);
  return klib::ok();
}

klib::Result<void> copy_to_user(std::uintptr_t udst, const void* src, std::size_t n) {
  if (!user_range_ok(udst, n)) return klib::Err(klib::Error::FAULT);
  if (hal::user_copy_out(reinterpret_cast<void*>(udst), src, n) != 0)
    return klib::Err(klib::Error::FAULT);
  return klib::ok();
}

klib::Result<std::size_t> strncpy_from_user(char* dst, std::uintptr_t usrc, std::size_t cap) {
  if (cap == 0) return klib::Err(klib::Error::NAMETOOLONG);
  if (usrc >= hal::kUserTop) return klib::Err(klib::Error::FAULT);
  // Never read past the user top, even while looking for the NUL.
  std::size_t n = cap;
  if (n > hal::kUserTop - usrc) n = hal::kUserTop - usrc;
  const long len = hal::user_strncpy_in(dst, reinterpret_cast<const char*>(usrc), n);
  if (len < 0) return klib::Err(klib::Error::FAULT);
  if (static_cast<std::size_t>(len) == n) {
    // No NUL within what could be read: too long if that was all of cap,
    // otherwise the string runs into the user top.
    return klib::Err(n == cap ? klib::Error::NAMETOOLONG : klib::Error::FAULT);
  }
  return static_cast<std::size_t>(len);
}

}  // namespace mm
