// KTEST: W^X on the kernel image (boards with an MMU, or an MPU).
#include <kernel/ktest.hpp>

extern "C" char __text_start[];
extern "C" char __rodata_start[];

namespace {

void write_to(void* p) { *static_cast<volatile std::uint32_t*>(p) = 0xd503201f; }

}  // namespace

KTEST(protection, kernel_text_is_not_writable) {
  std::uint64_t addr = 0;
  const bool faulted = ktest::run_expecting_fault(write_to, __text_start, &addr);
  KT_EXPECT(faulted);
  KT_EXPECT_EQ(addr, reinterpret_cast<std::uintptr_t>(__text_start));
}

KTEST(protection, rodata_is_not_writable) {
  std::uint64_t addr = 0;
  KT_EXPECT(ktest::run_expecting_fault(write_to, __rodata_start, &addr));
  KT_EXPECT_EQ(addr, reinterpret_cast<std::uintptr_t>(__rodata_start));
}

KTEST(protection, data_is_writable) {
  static std::uint32_t word = 0;
  KT_EXPECT(!ktest::run_expecting_fault(write_to, &word, nullptr));
  KT_EXPECT_EQ(word, 0xd503201fu);
}
