// poll(2) for Vela applications over the fs/ poll core: NuttX's struct
// pollfd (fs/nuttx_driver.h) in, fs::PollFd to the core, revents back.
#include <fs/poll.hpp>
#include <kernel/signal.hpp>
#include <mm/heap.hpp>

#include "fs_api_internal.hpp"

namespace vela {

// Shared by poll() and select(): runs the core over `n` entries with a
// timeout in nanoseconds (< 0: forever), revents filled in place.
klib::Result<int> poll_fds(fs::PollFd* fds, std::size_t n, std::int64_t timeout_ns) {
  cancellation_point();
  // A signal ends the wait: its handler runs, then the call fails with EINTR.
  auto r = fs::poll(current_fs(), fds, n, timeout_ns, true);
  if (!r && r.error() == Error::INTR) kernel::signal_deliver();
  cancellation_point();
  return r;
}

}  // namespace vela

using namespace vela;

VELA_API(int, poll, vabi::pollfd* fds, unsigned int n, int timeout_ms) {
  if (n > static_cast<unsigned int>(fs::kMaxFds)) return fail(Error::INVAL);
  if (!fds && n) return fail(Error::FAULT);
  constexpr std::size_t kOnStack = 16;
  fs::PollFd local[kOnStack];
  fs::PollFd* pf = local;
  if (n > kOnStack) {
    pf = static_cast<fs::PollFd*>(mm::kmalloc(n * sizeof(fs::PollFd)));
    if (!pf) return fail(Error::NOMEM);
  }
  for (std::size_t i = 0; i < n; ++i) {
    pf[i].fd = fds[i].fd;
    pf[i].events = static_cast<short>(fds[i].events);
    pf[i].revents = 0;
  }
  const std::int64_t timeout_ns =
      timeout_ms < 0 ? -1 : static_cast<std::int64_t>(timeout_ms) * 1000000;
  auto r = poll_fds(pf, n, timeout_ns);
  if (r)
    for (std::size_t i = 0; i < n; ++i) fds[i].revents = static_cast<std::uint16_t>(pf[i].revents);
  if (pf != local) mm::kfree(pf);
  return static_cast<int>(ret_or_fail(r));
}
