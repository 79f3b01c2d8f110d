// poll(2) core: files report readiness through FileOps::poll and register the
// caller's waiter on their PollHeads; a state change calls PollHead::wake.
#pragma once

#include <fs/platform.hpp>
#include <fs/types.hpp>
#include <fs/vnode.hpp>
#include <klib/list.hpp>
#include <klib/result.hpp>
#include <klib/spinlock.hpp>

#include <cstddef>
#include <cstdint>

namespace fs {

struct FsContext;
struct PollWaiter;

struct PollEntry {
  klib::ListNode link;
  PollWaiter* waiter = nullptr;
};

// Embedded in every pollable object (pipe, driver, tty).
class PollHead {
 public:
  // Wakes every poll() registered here. Callable from interrupt handlers.
  void wake();
  void add(PollEntry* e);
  void remove(PollEntry* e);

 private:
  klib::SpinLockIrq lock_;
  klib::List<PollEntry, &PollEntry::link> entries_;
};

// Handed to FileOps::poll while a poll() is registering. Holds the entries
// it linked and cleanup callbacks (NuttX drivers' teardown).
class PollTable {
 public:
  explicit PollTable(PollWaiter* w) : waiter_(w) {}
  ~PollTable();  // unregisters everything
  PollTable(const PollTable&) = delete;
  PollTable& operator=(const PollTable&) = delete;

  void add(PollHead& head);
  void add_cleanup(void (*fn)(void*), void* ctx);
  PollWaiter* waiter() const { return waiter_; }

 private:
  struct Reg {
    PollHead* head;
    PollEntry entry;
    void (*cleanup)(void*);
    void* ctx;
    Reg* next;
  };
  PollWaiter* waiter_;
  Reg* regs_ = nullptr;
};

// Wakes the poll() owning `w` (from callbacks that only have the waiter).
void poll_waiter_wake(PollWaiter* w);

struct PollFd {
  int fd;
  short events;
  short revents;
};

// Returns the number of fds with revents != 0; 0 on timeout. timeout_ns < 0
// waits forever, 0 only checks. Bad fds get NVAL (not an error).
// `interruptible`: a signal for the caller ends the wait with INTR.
klib::Result<int> poll(FsContext& ctx, PollFd* fds, std::size_t n, std::int64_t timeout_ns,
                       bool interruptible = false);
// Readiness of one open file without waiting.
short file_poll(OpenFile* f, short events);

}  // namespace fs
