// select(2) and pselect(2) for Vela applications: the fd_set bitmaps
// (picolibc: FD_SETSIZE 64, one unsigned long) become a poll() over the
// fs/ core and its results are folded back into the sets.
#include <fs/poll.hpp>

#include "fs_api_internal.hpp"

namespace vabi {
inline constexpr int kFdSetSize = 64;  // picolibc sys/select.h
// unsigned long words (one or two): on little-endian targets bit fd is bit
// fd % 8 of byte fd / 8 either way.
struct fd_set {
  unsigned char bytes[kFdSetSize / 8];
};
struct timeval {
  time_t tv_sec;
  long tv_usec;
};
}  // namespace vabi

namespace vela {

klib::Result<int> poll_fds(fs::PollFd* fds, std::size_t n, std::int64_t timeout_ns);

namespace {

bool is_set(const vabi::fd_set* s, int fd) { return s && (s->bytes[fd / 8] >> (fd % 8)) & 1; }
void set(vabi::fd_set* s, int fd) {
  s->bytes[fd / 8] |= static_cast<unsigned char>(1u << (fd % 8));
}

int do_select(int n, vabi::fd_set* rd, vabi::fd_set* wr, vabi::fd_set* ex,
              std::int64_t timeout_ns) {
  if (n < 0 || n > vabi::kFdSetSize) return fail(Error::INVAL);
  fs::PollFd pf[vabi::kFdSetSize];
  std::size_t count = 0;
  for (int fd = 0; fd < n; ++fd) {
    short ev = 0;
    if (is_set(rd, fd)) ev |= fs::pollev::IN;
    if (is_set(wr, fd)) ev |= fs::pollev::OUT;
    if (is_set(ex, fd)) ev |= fs::pollev::PRI;
    if (ev) pf[count++] = {fd, ev, 0};
  }
  auto r = poll_fds(pf, count, timeout_ns);
  if (!r) return fail(r.error());
  for (std::size_t i = 0; i < count; ++i)
    if (pf[i].revents & fs::pollev::NVAL) return fail(Error::BADF);
  for (auto* s : {rd, wr, ex})
    if (s) __builtin_memset(s, 0, sizeof *s);
  int ready = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const short re = pf[i].revents;
    const short asked = pf[i].events;
    // Errors and hang-ups make a descriptor "ready" for whatever was asked,
    // so the following read or write reports them.
    if ((asked & fs::pollev::IN) && (re & (fs::pollev::IN | fs::pollev::HUP | fs::pollev::ERR))) {
      set(rd, pf[i].fd);
      ++ready;
    }
    if ((asked & fs::pollev::OUT) && (re & (fs::pollev::OUT | fs::pollev::ERR))) {
      set(wr, pf[i].fd);
      ++ready;
    }
    if ((asked & fs::pollev::PRI) && (re & fs::pollev::PRI)) {
      set(ex, pf[i].fd);
      ++ready;
    }
  }
  return ready;
}

}  // namespace
}  // namespace vela

using namespace vela;

VELA_API(int, select, int n, vabi::fd_set* rd, vabi::fd_set* wr, vabi::fd_set* ex,
         vabi::timeval* tv) {
  std::int64_t timeout_ns = -1;
  if (tv) {
    if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000) return fail(Error::INVAL);
    timeout_ns = tv->tv_sec * 1000000000 + tv->tv_usec * 1000;
  }
  return do_select(n, rd, wr, ex, timeout_ns);
}

// The signal mask argument is not applied (no signal delivery inside the
// poll core's wait yet).
VELA_API(int, pselect, int n, vabi::fd_set* rd, vabi::fd_set* wr, vabi::fd_set* ex,
         const vabi::timespec* ts, const void*) {
  std::int64_t timeout_ns = -1;
  if (ts) {
    if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000) return fail(Error::INVAL);
    timeout_ns = ts->tv_sec * 1000000000 + ts->tv_nsec;
  }
  return do_select(n, rd, wr, ex, timeout_ns);
}
