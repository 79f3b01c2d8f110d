// Initial stack layout (linux_compat/initial_stack.hpp), top down: strings
// (argv, envp, execfn), the AT_RANDOM bytes, padding to 16, then the pointer
// block argc .. auxv, whose size fixes where sp lands.
#include <linux_compat/initial_stack.hpp>

namespace linux_compat {
namespace {

std::size_t length(const char* s) {
  std::size_t n = 0;
  while (s[n]) ++n;
  return n;
}

class Writer {
 public:
  Writer(std::uintptr_t top, std::uint8_t* buf, std::size_t cap)
      : top_(top), buf_(buf), cap_(cap) {}
  // Reserves n bytes below what is used; false when out of room.
  bool push(const void* data, std::size_t n) {
    if (n > cap_ - used_) return false;
    used_ += n;
    __builtin_memcpy(buf_ + cap_ - used_, data, n);
    return true;
  }
  bool pad_to(std::size_t align) {
    const std::size_t pad = (top_ - used_) % align;
    if (pad > cap_ - used_) return false;
    for (std::size_t i = 0; i < pad; ++i) buf_[cap_ - used_ - 1 - i] = 0;
    used_ += pad;
    return true;
  }
  std::uintptr_t addr() const { return top_ - used_; }
  std::size_t used() const { return used_; }
  void put_word(std::uintptr_t at, std::uint64_t v) {
    __builtin_memcpy(buf_ + cap_ - (top_ - at), &v, sizeof v);
  }

 private:
  std::uintptr_t top_;
  std::uint8_t* buf_;
  std::size_t cap_;
  std::size_t used_ = 0;
};

}  // namespace

klib::Result<BuiltStack> build_initial_stack(const StackSpec& spec, std::uintptr_t stack_top,
                                             std::uint8_t* buf, std::size_t cap) {
  if (!buf || (stack_top & 15) || (spec.argc && !spec.argv) || (spec.envc && !spec.envp) ||
      (spec.naux && !spec.aux) || !spec.execfn)
    return klib::Err(klib::Error::INVAL);
  Writer w(stack_top, buf, cap);
  const auto too_big = [] { return klib::Err(klib::Error::TOO_BIG); };
  if (!w.push(spec.execfn, length(spec.execfn) + 1)) return too_big();
  const std::uintptr_t execfn = w.addr();
  // Strings pushed last-first so argv[0] ends lowest, as Linux lays them out.
  // Their addresses are recomputed below from the lengths.
  for (std::size_t i = spec.envc; i-- > 0;)
    if (!w.push(spec.envp[i], length(spec.envp[i]) + 1)) return too_big();
  const std::uintptr_t env_strings = w.addr();
  for (std::size_t i = spec.argc; i-- > 0;)
    if (!w.push(spec.argv[i], length(spec.argv[i]) + 1)) return too_big();
  const std::uintptr_t arg_strings = w.addr();
  if (!w.pad_to(16) || !w.push(spec.random, sizeof spec.random)) return too_big();
  const std::uintptr_t random = w.addr();

  // The pointer block: argc, argv + NULL, envp + NULL, auxv (+ the three the
  // builder adds), placed so that sp is 16-byte aligned.
  const std::size_t words = 1 + (spec.argc + 1) + (spec.envc + 1) + 2 * (spec.naux + 3);
  if (!w.pad_to(16)) return too_big();
  const std::size_t block = words * 8;
  const std::size_t below = (w.addr() - block) % 16;  // extra padding so sp is aligned
  if (block + below > cap - w.used()) return too_big();
  const std::uintptr_t sp = w.addr() - block - below;
  // Zero the padding and lay the block out from sp upwards.
  for (std::uintptr_t a = sp + block; a < w.addr(); a += 8) w.put_word(a, 0);
  std::uintptr_t at = sp;
  auto word = [&](std::uint64_t v) {
    w.put_word(at, v);
    at += 8;
  };
  word(spec.argc);
  std::uintptr_t s = arg_strings;
  BuiltStack out;
  out.argv = at;
  for (std::size_t i = 0; i < spec.argc; ++i) {
    word(s);
    s += length(spec.argv[i]) + 1;
  }
  word(0);
  s = env_strings;
  for (std::size_t i = 0; i < spec.envc; ++i) {
    word(s);
    s += length(spec.envp[i]) + 1;
  }
  word(0);
  for (std::size_t i = 0; i < spec.naux; ++i) {
    word(spec.aux[i].type);
    word(spec.aux[i].value);
  }
  word(AT_RANDOM);
  word(random);
  word(AT_EXECFN);
  word(execfn);
  word(AT_NULL);
  word(0);
  out.sp = sp;
  out.used = stack_top - sp;
  return out;
}

}  // namespace linux_compat
