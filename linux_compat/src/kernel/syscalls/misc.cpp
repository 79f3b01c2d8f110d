// uname and getrandom.
#include <fs/init.hpp>
#include <fs/vfs.hpp>
#include <mm/heap.hpp>
#include <mm/usercopy.hpp>

#include "../linux_process.hpp"
#include "syscalls.hpp"

namespace linux_compat {
namespace {

using klib::Error;

struct Utsname {
  char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

void set(char* field, const char* value) {
  std::size_t i = 0;
  for (; value[i] && i < 64; ++i) field[i] = value[i];
  field[i] = '\0';
}

constexpr unsigned kGrndNonblock = 1, kGrndRandom = 2, kGrndInsecure = 4;
constexpr std::size_t kRandomMax = 256;  // per call, as Linux caps blocking reads

}  // namespace

long sys_uname(const Args& a) {
  Utsname u{};
  // A release Linux programs accept (glibc and busybox compare versions).
  set(u.sysname, "Linux");
  set(u.nodename, "fusion");
  set(u.release, "6.1.0-fusion");
  set(u.version, "#1 SMP Fusion " FUSION_BOARD_NAME);
  set(u.machine, FUSION_ARCH_NAME);
  set(u.domainname, "(none)");
  return ret(mm::copy_to_user(a.a[0], &u, sizeof u));
}

long sys_getrandom(const Args& a) {
  const std::uint64_t flags = a.a[2];
  if (flags & ~std::uint64_t{kGrndNonblock | kGrndRandom | kGrndInsecure}) return err(Error::INVAL);
  if ((flags & kGrndRandom) && (flags & kGrndInsecure)) return err(Error::INVAL);
  std::size_t n = a.a[1] < kRandomMax ? a.a[1] : kRandomMax;
  if (n == 0) return 0;
  if (!mm::user_range_ok(a.a[0], n)) return err(Error::FAULT);
  unsigned char buf[kRandomMax];
  auto f = fs::open_file(fs::kernel_context(), "/dev/urandom", 0);
  if (!f.ok()) return fail(f);
  auto got = fs::file_read(*f, buf, n);
  fs::file_put(*f);
  if (!got.ok()) return ret(got);
  return mm::copy_to_user(a.a[0], buf, *got).ok() ? static_cast<long>(*got) : err(Error::FAULT);
}

}  // namespace linux_compat
