// ELF64 executables for the Linux personality: header and program-header
// validation for static and static-PIE images of one machine. Portable and
// host-tested; the loader (src/kernel/exec.cpp) reads the bytes and maps
// what this accepts. Every rejection says why (the loader logs it and the
// caller gets ENOEXEC).
#pragma once

#include <klib/result.hpp>

#include <cstddef>
#include <cstdint>

namespace linux_compat::elf {

inline constexpr std::uint16_t kMachineAarch64 = 183;  // EM_AARCH64
inline constexpr std::uint16_t kMachineRiscv64 = 243;  // EM_RISCV
inline constexpr std::size_t kHeaderSize = 64;         // sizeof(Elf64_Ehdr)
inline constexpr std::size_t kPhdrSize = 56;           // sizeof(Elf64_Phdr)
inline constexpr unsigned kMaxPhdrs = 64;
inline constexpr unsigned kMaxSegments = 16;
inline constexpr std::uint64_t kPage = 4096;

// Segment rights: the PROT_* values.
inline constexpr unsigned kRead = 1, kWrite = 2, kExec = 4;

struct Header {
  bool pie = false;  // ET_DYN: position independent, the loader picks a bias
  std::uint64_t entry = 0;
  std::uint64_t phoff = 0;
  std::uint16_t phnum = 0;
};

struct Segment {
  std::uint64_t vaddr = 0, memsz = 0;    // before the load bias
  std::uint64_t offset = 0, filesz = 0;  // file bytes; the rest up to memsz is zero
  unsigned prot = 0;
};

struct Image {
  Header header;
  Segment segments[kMaxSegments];
  unsigned nsegments = 0;
  std::uint64_t lo = 0, hi = 0;  // page-rounded span of the loadable segments
  std::uint64_t phdr_vaddr = 0;  // where the program headers are in memory (AT_PHDR)
  bool has_interp = false;       // PT_INTERP: needs a dynamic loader
};

// Validates the 64-byte header of a file of `file_size` bytes for `machine`.
// On failure *why says what is wrong.
klib::Result<Header> parse_header(const void* bytes, std::size_t len, std::uint64_t file_size,
                                  std::uint16_t machine, const char** why);

// Validates the program headers (`bytes`: phnum * 56 bytes read from
// header.phoff) and fills the image: PT_LOAD segments sorted, inside the
// file, page-disjoint, entry in an executable one; PT_PHDR or the segment
// holding the headers gives AT_PHDR.
klib::Result<void> parse_segments(const Header& header, const void* bytes, std::size_t len,
                                  std::uint64_t file_size, Image* out, const char** why);

}  // namespace linux_compat::elf
