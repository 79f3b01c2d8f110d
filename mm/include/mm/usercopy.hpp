// The only way the kernel reads or writes user memory. Every pointer from
// user space goes through these: a range that is not entirely below the user
// top, or a page that cannot be faulted in, gives FAULT, never a kernel fault.
// Kernel build only.
#pragma once

#include <klib/result.hpp>

#include <cstddef>
#include <cstdint>

namespace mm {

// [addr, addr + n) lies in user space (n == 0 is always fine).
bool user_range_ok(std::uintptr_t addr, std::size_t n);

klib::Result<void> copy_from_user(void* dst, std::uintptr_t usrc, std::size_t n);
klib::Result<void> copy_to_user(std::uintptr_t udst, const void* src, std::size_t n);
// A NUL-terminated string into dst[cap]: its length, NAMETOOLONG when no NUL
// came within cap bytes (dst is then not terminated), FAULT.
klib::Result<std::size_t> strncpy_from_user(char* dst, std::uintptr_t usrc, std::size_t cap);

template <typename T>
klib::Result<void> get_user(T* out, std::uintptr_t uaddr) {
  return copy_from_user(out, uaddr, sizeof(T));
}
template <typename T>
klib::Result<void> put_user(std::uintptr_t uaddr, const T& value) {
  return copy_to_user(uaddr, &value, sizeof(T));
}

}  // namespace mm
