// Access to the kernel log ring (dmesg).
#pragma once

#include <atomic>
#include <cstddef>

namespace kernel {

// Set once by panic/fatal exception: printk stops taking its lock.
extern std::atomic<bool> g_panicking;

// Calls fn with the retained log, oldest first, in at most two chunks.
void log_for_each_chunk(void (*fn)(const char* s, std::size_t n, void* ctx), void* ctx);

}  // namespace kernel
