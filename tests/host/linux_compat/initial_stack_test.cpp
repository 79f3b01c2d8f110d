// Initial stack: read back exactly as a C runtime's _start would (argc,
// argv, envp, auxv, AT_RANDOM, AT_EXECFN), sp 16-byte aligned for odd and
// even pointer counts, TOO_BIG when the strings do not fit.
#include <gtest/gtest.h>
#include <linux_compat/initial_stack.hpp>

#include <cstring>
#include <string>
#include <vector>

namespace {

using namespace linux_compat;

constexpr std::uintptr_t kTop = 0x4000000000;

struct View {
  const std::vector<std::uint8_t>& buf;
  std::uint64_t word(std::uintptr_t addr) const {
    std::uint64_t v;
    std::memcpy(&v, buf.data() + buf.size() - (kTop - addr), 8);
    return v;
  }
  std::string str(std::uintptr_t addr) const {
    return reinterpret_cast<const char*>(buf.data() + buf.size() - (kTop - addr));
  }
};

TEST(InitialStack, ReadsBackLikeStart) {
  for (std::size_t envc : {1u, 2u}) {  // both parities of the pointer count
    const char* argv[] = {"prog", "-x"};
    const char* envp[] = {"A=1", "LONGER=value"};
    const AuxEntry aux[] = {{AT_PAGESZ, 4096}, {AT_ENTRY, 0x400100}};
    StackSpec spec;
    spec.argv = argv;
    spec.argc = 2;
    spec.envp = envp;
    spec.envc = envc;
    spec.execfn = "/bin/prog";
    for (int i = 0; i < 16; ++i) spec.random[i] = static_cast<std::uint8_t>(i + 1);
    spec.aux = aux;
    spec.naux = 2;
    std::vector<std::uint8_t> buf(4096, 0xee);
    auto r = build_initial_stack(spec, kTop, buf.data(), buf.size());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->sp % 16, 0u);
    EXPECT_EQ(r->used, kTop - r->sp);
    View v{buf};
    std::uintptr_t p = r->sp;
    EXPECT_EQ(v.word(p), 2u);
    EXPECT_EQ(r->argv, p + 8);
    EXPECT_EQ(v.str(v.word(p + 8)), "prog");
    EXPECT_EQ(v.str(v.word(p + 16)), "-x");
    EXPECT_EQ(v.word(p + 24), 0u);
    p += 32;
    EXPECT_EQ(v.str(v.word(p)), "A=1");
    if (envc == 2) EXPECT_EQ(v.str(v.word(p + 8)), "LONGER=value");
    p += 8 * envc;
    EXPECT_EQ(v.word(p), 0u);
    p += 8;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> av;
    for (;; p += 16) {
      av.emplace_back(v.word(p), v.word(p + 8));
      if (av.back().first == AT_NULL) break;
    }
    ASSERT_EQ(av.size(), 5u);
    EXPECT_EQ(av[0], (std::pair<std::uint64_t, std::uint64_t>{AT_PAGESZ, 4096}));
    EXPECT_EQ(av[1].second, 0x400100u);
    EXPECT_EQ(av[2].first, AT_RANDOM);
    for (int i = 0; i < 16; ++i) EXPECT_EQ(buf[buf.size() - (kTop - av[2].second) + i], i + 1);
    EXPECT_EQ(av[3].first, AT_EXECFN);
    EXPECT_EQ(v.str(av[3].second), "/bin/prog");
    // Everything lies inside the stack.
    EXPECT_GE(av[2].second, r->sp);
    EXPECT_LT(av[3].second, kTop);
  }
}

TEST(InitialStack, TooBigAndBadInput) {
  std::string big(5000, 'x');
  const char* argv[] = {big.c_str()};
  StackSpec spec;
  spec.argv = argv;
  spec.argc = 1;
  std::vector<std::uint8_t> buf(4096);
  EXPECT_EQ(build_initial_stack(spec, kTop, buf.data(), buf.size()).error(), klib::Error::TOO_BIG);
  spec.argc = 0;
  spec.argv = nullptr;
  // Only the pointer block would not fit.
  EXPECT_EQ(build_initial_stack(spec, kTop, buf.data(), 40).error(), klib::Error::TOO_BIG);
  EXPECT_TRUE(build_initial_stack(spec, kTop, buf.data(), buf.size()).ok());
  EXPECT_EQ(build_initial_stack(spec, kTop + 8, buf.data(), buf.size()).error(),
            klib::Error::INVAL);
  spec.argc = 1;  // argv missing
  EXPECT_EQ(build_initial_stack(spec, kTop, buf.data(), buf.size()).error(), klib::Error::INVAL);
}

}  // namespace
