// printk: formats into a stack buffer, appends to the dmesg ring and writes
// the console. One lock keeps lines from different CPUs from interleaving.
#include <kernel/console.hpp>
#include <kernel/log.hpp>
#include <klib/printk.hpp>
#include <klib/spinlock.hpp>

namespace {

klib::SpinLockIrq g_print_lock;
#ifndef FUSION_DMESG_BYTES
#define FUSION_DMESG_BYTES 16384  // the board's configuration may set fewer (cmake/kernel.cmake)
#endif
char g_ring[FUSION_DMESG_BYTES];  // dmesg: the most recent log bytes
std::size_t g_ring_head = 0;
std::size_t g_ring_total = 0;

void ring_append(const char* s, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) g_ring[(g_ring_head + i) % sizeof g_ring] = s[i];
  g_ring_head = (g_ring_head + n) % sizeof g_ring;
  g_ring_total += n;
}

void vprintk(const char* fmt, va_list ap) {
  char line[512];
  int n = klib::vformat(line, sizeof line, fmt, ap);
  std::size_t len = n < 0 ? 0 : (static_cast<std::size_t>(n) < sizeof line ? n : sizeof line - 1);
  if (kernel::g_panicking.load(std::memory_order_relaxed)) {
    // The panicking CPU may have faulted inside printk with the lock held;
    // getting the report out matters more than tidy interleaving now.
    console::write(line, len);
    return;
  }
  klib::SpinGuard guard(g_print_lock);
  ring_append(line, len);
  console::write(line, len);
}

}  // namespace

namespace klib {

void printk(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintk(fmt, ap);
  va_end(ap);
}

}  // namespace klib

namespace kernel {

void log_for_each_chunk(void (*fn)(const char* s, std::size_t n, void* ctx), void* ctx) {
  klib::SpinGuard guard(g_print_lock);
  if (g_ring_total < sizeof g_ring) {
    fn(g_ring, g_ring_head, ctx);
    return;
  }
  fn(g_ring + g_ring_head, sizeof g_ring - g_ring_head, ctx);
  fn(g_ring, g_ring_head, ctx);
}

}  // namespace kernel
