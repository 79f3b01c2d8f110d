// poll(2) core. Each round registers one waiter on every file's poll heads,
// collects readiness, and sleeps on the waiter's WaitPoint if nothing is
// ready. The generation is sampled before the files are asked, so a wake
// that lands between asking and sleeping ends the sleep at once.
#include <fs/fdtable.hpp>
#include <fs/path.hpp>
#include <fs/poll.hpp>

namespace fs {

struct PollWaiter {
  WaitPoint wait;
};

void poll_waiter_wake(PollWaiter* w) { w->wait.wake_all(); }

void PollHead::add(PollEntry* e) {
  klib::SpinGuard g(lock_);
  entries_.push_back(e);
}

void PollHead::remove(PollEntry* e) {
  klib::SpinGuard g(lock_);
  if (e->link.linked()) entries_.remove(e);
}

void PollHead::wake() {
  klib::SpinGuard g(lock_);
  entries_.for_each([](PollEntry* e) { poll_waiter_wake(e->waiter); });
}

void PollTable::add(PollHead& head) {
  auto* r = make<Reg>();
  if (!r) return;  // this file's readiness is still re-checked every round
  r->head = &head;
  r->entry.waiter = waiter_;
  r->next = regs_;
  regs_ = r;
  head.add(&r->entry);
}

void PollTable::add_cleanup(void (*fn)(void*), void* ctx) {
  auto* r = make<Reg>();
  if (!r) {
    fn(ctx);  // tear down at once rather than leak the driver's registration
    return;
  }
  r->cleanup = fn;
  r->ctx = ctx;
  r->next = regs_;
  regs_ = r;
}

PollTable::~PollTable() {
  while (Reg* r = regs_) {
    regs_ = r->next;
    if (r->head) r->head->remove(&r->entry);
    if (r->cleanup) r->cleanup(r->ctx);
    destroy(r);
  }
}

namespace {

constexpr short kAlways = pollev::ERR | pollev::HUP | pollev::NVAL;

short ask(OpenFile* f, PollTable* pt) {
  if (f->fops->poll) return f->fops->poll(f, pt);
  short m = 0;  // files without a poll hook never block
  if (f->readable()) m |= pollev::IN;
  if (f->writable()) m |= pollev::OUT;
  return m;
}

}  // namespace

short file_poll(OpenFile* f, short events) { return ask(f, nullptr) & (events | kAlways); }

klib::Result<int> poll(FsContext& ctx, PollFd* fds, std::size_t n, std::int64_t timeout_ns,
                       bool interruptible) {
  if (n > 4096) return klib::Err(klib::Error::INVAL);
  if (n && !fds) return klib::Err(klib::Error::FAULT);
  OpenFile** files = nullptr;
  if (n) {
    // An array of pointers, so the pointer size is meant.
    files = static_cast<OpenFile**>(
        alloc(n * sizeof(OpenFile*)));  // NOLINT(bugprone-sizeof-expression)
    if (!files) return klib::Err(klib::Error::NOMEM);
  }
  const std::uint64_t deadline =
      timeout_ns < 0 ? kWaitForever : now_ns() + static_cast<std::uint64_t>(timeout_ns);
  PollWaiter waiter;
  int ready = 0;
  bool interrupted = false;
  for (;;) {
    const std::uint64_t gen = waiter.wait.generation();
    bool timed_out = false;
    {
      PollTable pt(&waiter);
      ready = 0;
      for (std::size_t i = 0; i < n; ++i) {
        files[i] = nullptr;
        fds[i].revents = 0;
        if (fds[i].fd < 0) continue;  // ignored, as poll(2) says
        auto f = ctx.fds ? ctx.fds->get(fds[i].fd)
                         : klib::Result<OpenFile*>(klib::Err(klib::Error::BADF));
        if (!f) {
          fds[i].revents = pollev::NVAL;
        } else {
          files[i] = *f;
          fds[i].revents = ask(files[i], &pt) & (fds[i].events | kAlways);
        }
        ready += fds[i].revents != 0;
      }
      if (!ready && timeout_ns != 0) {
        const std::uint64_t now = now_ns();
        if (deadline != kWaitForever && now >= deadline)
          timed_out = true;
        else if (!interruptible)
          timed_out =
              !waiter.wait.wait(gen, deadline == kWaitForever ? kWaitForever : deadline - now);
        else
          switch (waiter.wait.wait_interruptible(
              gen, deadline == kWaitForever ? kWaitForever : deadline - now)) {
            case WaitPoint::Result::Woken:
              break;
            case WaitPoint::Result::TimedOut:
              timed_out = true;
              break;
            case WaitPoint::Result::Interrupted:
              interrupted = true;
              break;
          }
      }
    }  // unregisters before the files are released
    for (std::size_t i = 0; i < n; ++i) file_put(files[i]);
    if (ready || timeout_ns == 0 || timed_out || interrupted) break;
  }
  free(files);
  if (interrupted) return klib::Err(klib::Error::INTR);
  return ready;
}

}  // namespace fs
