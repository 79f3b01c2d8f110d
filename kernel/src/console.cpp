// The console: output to the UART named by /chosen/stdout-path (or the first
// registered), input from that UART's receive interrupt into a ring buffer.
#include <kernel/console.hpp>
#include <kernel/dt.hpp>
#include <kernel/log.hpp>
#include <klib/spinlock.hpp>
#include <sched/wait.hpp>

#include <atomic>
#include <cstring>

namespace console {
namespace {

Device g_device{};
bool g_have_device = false;
bool g_device_is_chosen = false;
klib::SpinLockIrq g_output_lock;

// Input ring: single producer (the UART IRQ), consumers are threads.
klib::SpinLockIrq g_input_lock;
char g_input[256];
std::size_t g_input_head = 0;  // next write
std::size_t g_input_tail = 0;  // next read
sched::WaitQueue g_input_waiters;

bool node_is_stdout(int node_offset) {
  const char* path = dt::prop_string(dt::find_path("/chosen"), "stdout-path");
  if (!path) return false;
  // stdout-path may carry options after ':' ("/pl011@9000000:115200").
  char buf[128];
  std::size_t n = 0;
  while (path[n] && path[n] != ':' && n + 1 < sizeof buf) {
    buf[n] = path[n];
    ++n;
  }
  buf[n] = '\0';
  dt::Node target = dt::find_path(buf);
  return target.valid() && target.offset == node_offset;
}

}  // namespace

void register_device(const Device& dev, int node_offset) {
  const bool chosen = node_is_stdout(node_offset);
  if (g_have_device && (g_device_is_chosen || !chosen)) return;
  g_device = dev;
  g_have_device = true;
  g_device_is_chosen = chosen;
}

namespace {

void put_all(const char* s, std::size_t n, bool crlf) {
  if (!g_have_device) return;
  // One writer at a time, so output of tasks on different CPUs interleaves
  // by whole writes, not by characters. A panicking CPU may hold the lock
  // already: it writes regardless.
  const bool locked = !kernel::g_panicking.load(std::memory_order_relaxed);
  hal::IrqFlags flags = locked ? g_output_lock.lock() : 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (crlf && s[i] == '\n') g_device.put_char(g_device.ctx, '\r');
    g_device.put_char(g_device.ctx, s[i]);
  }
  if (locked) g_output_lock.unlock(flags);
}

std::atomic<void (*)(char)> g_input_sink{nullptr};

}  // namespace

void write(const char* s, std::size_t n) { put_all(s, n, true); }
void write_raw(const char* s, std::size_t n) { put_all(s, n, false); }

void set_input_sink(void (*sink)(char c)) {
  g_input_sink.store(sink);
  // What arrived before the hand-over goes to the sink too, in order.
  for (;;) {
    char c;
    {
      klib::SpinGuard guard(g_input_lock);
      if (g_input_tail == g_input_head) return;
      c = g_input[g_input_tail];
      g_input_tail = (g_input_tail + 1) % sizeof g_input;
    }
    sink(c);
  }
}

void input_from_irq(char c) {
  if (auto* sink = g_input_sink.load()) return sink(c);
  {
    klib::SpinGuard guard(g_input_lock);
    const std::size_t next = (g_input_head + 1) % sizeof g_input;
    if (next == g_input_tail) return;  // full: drop, as a real UART FIFO overrun would
    g_input[g_input_head] = c;
    g_input_head = next;
  }
  g_input_waiters.wake_one();
}

char read_char() {
  for (;;) {
    {
      klib::SpinGuard guard(g_input_lock);
      if (g_input_tail != g_input_head) {
        char c = g_input[g_input_tail];
        g_input_tail = (g_input_tail + 1) % sizeof g_input;
        return c;
      }
    }
    g_input_waiters.wait_until([] { return g_input_tail != g_input_head; });
  }
}

}  // namespace console
