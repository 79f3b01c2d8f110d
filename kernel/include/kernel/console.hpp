// The kernel console: one output sink chosen from /chosen/stdout-path (or the
// first UART bound), and an interrupt-fed input ring that threads block on.
#pragma once

#include <cstddef>

namespace console {

struct Device {
  const char* name;
  void (*put_char)(void* ctx, char c);  // polled, usable with IRQs masked
  void* ctx;
};

// Registers a UART; the one matching /chosen/stdout-path (or the first)
// becomes the console. `node_offset` identifies its devicetree node.
void register_device(const Device& dev, int node_offset);
void write(const char* s, std::size_t n);
// As write, without turning '\n' into "\r\n" (a tty's output processing
// has done what its termios asks already).
void write_raw(const char* s, std::size_t n);

// Called from the UART receive interrupt for each received byte.
void input_from_irq(char c);
// From now on received bytes go to `sink` (in interrupt context) instead of
// the ring read_char() reads: the console tty takes the input over.
void set_input_sink(void (*sink)(char c));
// Blocks the calling thread until a byte arrives.
char read_char();

}  // namespace console
