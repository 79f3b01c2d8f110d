// Formatted kernel output. The formatter is portable (host-tested); the
// kernel routes printk to the console, the host tests to a buffer.
#pragma once

#include <cstdarg>
#include <cstddef>

namespace klib {

// A small vsnprintf: %d %i %u %x %X %p %s %c %% with l/ll/z length, width,
// zero padding and '-' alignment. Always NUL-terminates; returns the length
// the full output would have had.
int vformat(char* buf, std::size_t size, const char* fmt, va_list ap);
int format(char* buf, std::size_t size, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

// Kernel log; defined by the kernel (console + dmesg ring).
void printk(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
[[noreturn]] void panic(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace klib
