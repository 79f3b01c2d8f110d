// The initial user stack of a Linux process, as the kernel leaves it for
// _start: argc, argv[], NULL, envp[], NULL, auxv pairs ending in AT_NULL,
// then (above) the 16 AT_RANDOM bytes and the strings. Portable: built into
// a kernel buffer that stands for the top of the stack, then copied into the
// address space; host-tested.
#pragma once

#include <klib/result.hpp>

#include <cstddef>
#include <cstdint>

namespace linux_compat {

// auxv types (include/uapi/linux/auxvec.h).
inline constexpr std::uint64_t AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6,
                               AT_BASE = 7, AT_FLAGS = 8, AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12,
                               AT_GID = 13, AT_EGID = 14, AT_HWCAP = 16, AT_CLKTCK = 17,
                               AT_SECURE = 23, AT_RANDOM = 25, AT_EXECFN = 31;

struct AuxEntry {
  std::uint64_t type, value;
};

struct StackSpec {
  const char* const* argv = nullptr;  // argc entries
  std::size_t argc = 0;
  const char* const* envp = nullptr;  // envc entries
  std::size_t envc = 0;
  const char* execfn = "";  // AT_EXECFN: the path given to exec
  std::uint8_t random[16] = {};
  // Every entry but AT_RANDOM, AT_EXECFN and AT_NULL, which the builder adds.
  const AuxEntry* aux = nullptr;
  std::size_t naux = 0;
};

struct BuiltStack {
  std::uintptr_t sp = 0;    // user sp at entry: 16-byte aligned, points at argc
  std::size_t used = 0;     // bytes from sp to the stack top
  std::uintptr_t argv = 0;  // user address of argv[0] (for tests and /proc)
};

// Lays the stack out for a stack ending at `stack_top` (16-byte aligned) in
// buf[cap], whose last byte stands for stack_top - 1: the result occupies
// buf[cap - used, cap). TOO_BIG when it does not fit in cap.
klib::Result<BuiltStack> build_initial_stack(const StackSpec& spec, std::uintptr_t stack_top,
                                             std::uint8_t* buf, std::size_t cap);

}  // namespace linux_compat
