// ELF validation: a well-formed static and static-PIE image pass with the
// right segments and AT_PHDR; each kind of damage is rejected with ENOEXEC
// and a reason (truncated header, magic, class, machine, program headers
// outside the file, segments outside the file, overlapping segments, entry
// outside the text, file size above memory size).
#include <gtest/gtest.h>
#include <linux_compat/elf.hpp>

#include <cstring>
#include <string>
#include <vector>

namespace {

namespace elf = linux_compat::elf;

void put(std::vector<unsigned char>& b, std::size_t at, std::uint64_t v, unsigned n) {
  for (unsigned i = 0; i < n; ++i) b[at + i] = static_cast<unsigned char>(v >> (8 * i));
}

struct Phdr {
  std::uint32_t type, flags;
  std::uint64_t offset, vaddr, filesz, memsz;
};

// A file with the header, the program headers at 64 and `size` bytes in all.
std::vector<unsigned char> make(std::uint16_t type, std::uint16_t machine, std::uint64_t entry,
                                const std::vector<Phdr>& ph, std::size_t size = 0x3000) {
  std::vector<unsigned char> b(size, 0);
  std::memcpy(b.data(),
              "\x7f"
              "ELF",
              4);
  b[4] = 2;  // ELFCLASS64
  b[5] = 1;  // little-endian
  b[6] = 1;
  put(b, 16, type, 2);
  put(b, 18, machine, 2);
  put(b, 20, 1, 4);
  put(b, 24, entry, 8);
  put(b, 32, 64, 8);  // phoff
  put(b, 52, 64, 2);
  put(b, 54, 56, 2);
  put(b, 56, ph.size(), 2);
  for (std::size_t i = 0; i < ph.size(); ++i) {
    const std::size_t at = 64 + i * 56;
    put(b, at, ph[i].type, 4);
    put(b, at + 4, ph[i].flags, 4);
    put(b, at + 8, ph[i].offset, 8);
    put(b, at + 16, ph[i].vaddr, 8);
    put(b, at + 24, ph[i].vaddr, 8);
    put(b, at + 32, ph[i].filesz, 8);
    put(b, at + 40, ph[i].memsz, 8);
  }
  return b;
}

constexpr std::uint16_t kM = elf::kMachineAarch64;
const std::vector<Phdr> kGood = {
    {1, 5, 0, 0x400000, 0x1800, 0x1800},      // text R X, holds the headers
    {1, 6, 0x2000, 0x412000, 0x800, 0x5000},  // data RW + bss
    {0x6474e551, 6, 0, 0, 0, 0},              // GNU_STACK: ignored
};

// Parses `b`; returns "" on success or the reason.
std::string check(const std::vector<unsigned char>& b, elf::Image* img = nullptr,
                  std::uint16_t machine = kM, std::size_t len = ~std::size_t{0}) {
  const char* why = nullptr;
  if (len == ~std::size_t{0}) len = b.size();
  auto h = elf::parse_header(b.data(), len < b.size() ? len : b.size(), b.size(), machine, &why);
  if (!h.ok()) {
    EXPECT_EQ(h.error(), klib::Error::NOEXEC);
    return why ? why : "?";
  }
  elf::Image local;
  if (!img) img = &local;
  auto r =
      elf::parse_segments(*h, b.data() + h->phoff, h->phnum * elf::kPhdrSize, b.size(), img, &why);
  if (!r.ok()) {
    EXPECT_EQ(r.error(), klib::Error::NOEXEC);
    return why ? why : "?";
  }
  return "";
}

TEST(Elf, StaticExecutableParses) {
  elf::Image img;
  ASSERT_EQ(check(make(2, kM, 0x400100, kGood), &img), "");
  EXPECT_FALSE(img.header.pie);
  EXPECT_EQ(img.nsegments, 2u);
  EXPECT_EQ(img.segments[0].prot, elf::kRead | elf::kExec);
  EXPECT_EQ(img.segments[1].prot, elf::kRead | elf::kWrite);
  EXPECT_EQ(img.lo, 0x400000u);
  EXPECT_EQ(img.hi, 0x417000u);
  EXPECT_EQ(img.phdr_vaddr, 0x400040u);
  EXPECT_FALSE(img.has_interp);
}

TEST(Elf, StaticPieParsesAndPtPhdrWins) {
  std::vector<Phdr> ph = {{6, 4, 64, 0x40, 3 * 56, 3 * 56},
                          {1, 5, 0, 0, 0x1000, 0x1000},
                          {1, 6, 0x1000, 0x11000, 0x100, 0x200}};
  elf::Image img;
  ASSERT_EQ(check(make(3, kM, 0x80, ph), &img), "");
  EXPECT_TRUE(img.header.pie);
  EXPECT_EQ(img.phdr_vaddr, 0x40u);
}

TEST(Elf, InterpIsReported) {
  auto ph = kGood;
  ph.push_back({3, 4, 0x100, 0x400100, 10, 10});
  elf::Image img;
  ASSERT_EQ(check(make(2, kM, 0x400100, ph), &img), "");
  EXPECT_TRUE(img.has_interp);
}

TEST(Elf, TruncatedHeader) {
  auto b = make(2, kM, 0x400100, kGood);
  EXPECT_EQ(check(b, nullptr, kM, 63), "truncated ELF header");
  std::vector<unsigned char> tiny(b.begin(), b.begin() + 20);
  EXPECT_EQ(check(tiny), "truncated ELF header");
}

TEST(Elf, BadIdentification) {
  auto b = make(2, kM, 0x400100, kGood);
  b[1] = 'X';
  EXPECT_EQ(check(b), "not an ELF file");
  b = make(2, kM, 0x400100, kGood);
  b[4] = 1;
  EXPECT_EQ(check(b), "not a 64-bit ELF file");
  b = make(2, kM, 0x400100, kGood);
  b[5] = 2;
  EXPECT_EQ(check(b), "not little-endian");
  EXPECT_EQ(check(make(1, kM, 0x400100, kGood)), "not an executable (ET_EXEC/ET_DYN)");
}

TEST(Elf, WrongMachine) {
  EXPECT_EQ(check(make(2, kM, 0x400100, kGood), nullptr, elf::kMachineRiscv64),
            "built for another machine");
  EXPECT_EQ(check(make(2, 62 /* x86-64 */, 0x400100, kGood)), "built for another machine");
}

TEST(Elf, ProgramHeadersOutsideTheFile) {
  auto b = make(2, kM, 0x400100, kGood);
  put(b, 32, b.size() - 10, 8);
  EXPECT_EQ(check(b), "program headers outside the file");
  b = make(2, kM, 0x400100, kGood);
  put(b, 32, ~std::uint64_t{0} - 8, 8);  // offset + size wraps
  EXPECT_EQ(check(b), "program headers outside the file");
  b = make(2, kM, 0x400100, kGood);
  put(b, 56, 0, 2);
  EXPECT_EQ(check(b), "no program headers");
  b = make(2, kM, 0x400100, kGood);
  put(b, 54, 32, 2);
  EXPECT_EQ(check(b), "bad program header size");
}

TEST(Elf, SegmentOutsideTheFile) {
  auto ph = kGood;
  ph[1].offset = 0x2000;
  ph[1].filesz = 0x2000;  // ends at 0x4000 > 0x3000
  EXPECT_EQ(check(make(2, kM, 0x400100, ph)), "segment outside the file");
  ph = kGood;
  ph[1].filesz = 0x6000;
  EXPECT_EQ(check(make(2, kM, 0x400100, ph)), "segment file size exceeds its memory size");
  ph = kGood;
  ph[1].vaddr = ~std::uint64_t{0} - 0x1000 + 0x2000 - 0x2000;
  ph[1].vaddr &= ~std::uint64_t{0xfff};
  EXPECT_EQ(check(make(2, kM, 0x400100, ph)), "segment address range wraps");
  ph = kGood;
  ph[1].vaddr = 0x412100;  // offset 0x2000 vs address ..100
  EXPECT_EQ(check(make(2, kM, 0x400100, ph)), "segment offset and address not congruent");
}

TEST(Elf, OverlappingSegments) {
  auto ph = kGood;
  ph[1].vaddr = 0x401000;  // inside the text's pages
  ph[1].offset = 0x1000;
  EXPECT_EQ(check(make(2, kM, 0x400100, ph)), "loadable segments overlap or share a page");
  ph = kGood;
  std::swap(ph[0], ph[1]);
  EXPECT_EQ(check(make(2, kM, 0x400100, ph)), "loadable segments out of order");
}

TEST(Elf, EntryOutsideText) {
  EXPECT_EQ(check(make(2, kM, 0x412000, kGood)), "entry point outside every executable segment");
  EXPECT_EQ(check(make(2, kM, 0, kGood)), "entry point outside every executable segment");
}

TEST(Elf, NoLoadableSegment) {
  std::vector<Phdr> ph = {{0x6474e551, 6, 0, 0, 0, 0}};
  EXPECT_EQ(check(make(2, kM, 0x400100, ph)), "no loadable segment");
}

TEST(Elf, NullAndShortBuffers) {
  const char* why = nullptr;
  EXPECT_FALSE(elf::parse_header(nullptr, 0, 0, kM, &why).ok());
  auto b = make(2, kM, 0x400100, kGood);
  auto h = elf::parse_header(b.data(), b.size(), b.size(), kM, &why);
  ASSERT_TRUE(h.ok());
  elf::Image img;
  EXPECT_EQ(elf::parse_segments(*h, b.data() + 64, 56, b.size(), &img, &why).error(),
            klib::Error::NOEXEC);
  EXPECT_STREQ(why, "truncated program headers");
}

}  // namespace
