// ELF64 validation (linux_compat/elf.hpp). Fields are read byte by byte in
// little-endian order, so a malformed or misaligned buffer is only ever data.
#include <linux_compat/elf.hpp>

namespace linux_compat::elf {
namespace {

constexpr std::uint16_t kTypeExec = 2, kTypeDyn = 3;
constexpr std::uint32_t kPtLoad = 1, kPtInterp = 3, kPtPhdr = 6;
constexpr std::uint32_t kPfX = 1, kPfW = 2, kPfR = 4;

std::uint64_t le(const unsigned char* p, unsigned n) {
  std::uint64_t v = 0;
  for (unsigned i = n; i-- > 0;) v = (v << 8) | p[i];
  return v;
}

klib::Result<void> fail(const char** why, const char* reason) {
  if (why) *why = reason;
  return klib::Err(klib::Error::NOEXEC);
}

// a + b without wrapping, into *out.
bool add(std::uint64_t a, std::uint64_t b, std::uint64_t* out) {
  return !__builtin_add_overflow(a, b, out);
}

std::uint64_t page_down(std::uint64_t v) { return v & ~(kPage - 1); }

}  // namespace

klib::Result<Header> parse_header(const void* bytes, std::size_t len, std::uint64_t file_size,
                                  std::uint16_t machine, const char** why) {
  const auto* b = static_cast<const unsigned char*>(bytes);
  auto bad = [&](const char* r) -> klib::Result<Header> {
    if (why) *why = r;
    return klib::Err(klib::Error::NOEXEC);
  };
  if (!b || len < kHeaderSize || file_size < kHeaderSize) return bad("truncated ELF header");
  if (b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F') return bad("not an ELF file");
  if (b[4] != 2) return bad("not a 64-bit ELF file");
  if (b[5] != 1) return bad("not little-endian");
  if (b[6] != 1) return bad("unknown ELF version");
  const auto type = static_cast<std::uint16_t>(le(b + 16, 2));
  if (type != kTypeExec && type != kTypeDyn) return bad("not an executable (ET_EXEC/ET_DYN)");
  if (le(b + 18, 2) != machine) return bad("built for another machine");
  if (le(b + 20, 4) != 1) return bad("unknown ELF version");
  Header h;
  h.pie = type == kTypeDyn;
  h.entry = le(b + 24, 8);
  h.phoff = le(b + 32, 8);
  if (le(b + 52, 2) != kHeaderSize) return bad("bad ELF header size");
  if (le(b + 54, 2) != kPhdrSize) return bad("bad program header size");
  h.phnum = static_cast<std::uint16_t>(le(b + 56, 2));
  if (h.phnum == 0) return bad("no program headers");
  if (h.phnum > kMaxPhdrs) return bad("too many program headers");
  std::uint64_t end = 0;
  if (!add(h.phoff, std::uint64_t{h.phnum} * kPhdrSize, &end) || end > file_size)
    return bad("program headers outside the file");
  return h;
}

klib::Result<void> parse_segments(const Header& h, const void* bytes, std::size_t len,
                                  std::uint64_t file_size, Image* out, const char** why) {
  const auto* b = static_cast<const unsigned char*>(bytes);
  if (!b || !out || len < std::size_t{h.phnum} * kPhdrSize)
    return fail(why, "truncated program headers");
  *out = Image{};
  out->header = h;
  bool have_phdr = false;
  for (unsigned i = 0; i < h.phnum; ++i) {
    const unsigned char* p = b + i * kPhdrSize;
    const auto type = static_cast<std::uint32_t>(le(p, 4));
    const auto flags = static_cast<std::uint32_t>(le(p + 4, 4));
    const std::uint64_t offset = le(p + 8, 8), vaddr = le(p + 16, 8);
    const std::uint64_t filesz = le(p + 32, 8), memsz = le(p + 40, 8);
    if (type == kPtInterp) out->has_interp = true;
    if (type == kPtPhdr) {
      out->phdr_vaddr = vaddr;
      have_phdr = true;
    }
    if (type != kPtLoad || memsz == 0) continue;
    std::uint64_t end = 0;
    if (filesz > memsz) return fail(why, "segment file size exceeds its memory size");
    if (!add(offset, filesz, &end) || end > file_size) return fail(why, "segment outside the file");
    if (!add(vaddr, memsz, &end) || !add(end, kPage - 1, &end))
      return fail(why, "segment address range wraps");
    if ((vaddr - offset) % kPage) return fail(why, "segment offset and address not congruent");
    if (out->nsegments == kMaxSegments) return fail(why, "too many loadable segments");
    Segment& s = out->segments[out->nsegments++];
    s.vaddr = vaddr;
    s.memsz = memsz;
    s.offset = offset;
    s.filesz = filesz;
    s.prot =
        ((flags & kPfR) ? kRead : 0) | ((flags & kPfW) ? kWrite : 0) | ((flags & kPfX) ? kExec : 0);
  }
  if (out->nsegments == 0) return fail(why, "no loadable segment");
  // Program headers are in ascending vaddr order (the ELF spec requires it);
  // each segment must start on a later page than the previous one ends, so
  // every page has one set of rights.
  for (unsigned i = 1; i < out->nsegments; ++i) {
    const Segment& prev = out->segments[i - 1];
    const Segment& cur = out->segments[i];
    if (cur.vaddr < prev.vaddr) return fail(why, "loadable segments out of order");
    if (page_down(cur.vaddr) < page_down(prev.vaddr + prev.memsz + kPage - 1))
      return fail(why, "loadable segments overlap or share a page");
  }
  out->lo = page_down(out->segments[0].vaddr);
  const Segment& last = out->segments[out->nsegments - 1];
  out->hi = page_down(last.vaddr + last.memsz + kPage - 1);
  bool entry_ok = false;
  for (unsigned i = 0; i < out->nsegments; ++i) {
    const Segment& s = out->segments[i];
    if ((s.prot & kExec) && h.entry >= s.vaddr && h.entry < s.vaddr + s.memsz) entry_ok = true;
    // AT_PHDR without PT_PHDR: the loaded segment whose file bytes hold them.
    if (!have_phdr && h.phoff >= s.offset &&
        h.phoff + std::uint64_t{h.phnum} * kPhdrSize <= s.offset + s.filesz) {
      out->phdr_vaddr = s.vaddr + (h.phoff - s.offset);
      have_phdr = true;
    }
  }
  if (!entry_ok) return fail(why, "entry point outside every executable segment");
  if (!have_phdr) return fail(why, "program headers not in any loaded segment");
  return klib::ok();
}

}  // namespace linux_compat::elf
