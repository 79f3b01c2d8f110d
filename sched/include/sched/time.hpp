// Tick <-> nanosecond conversion for the free-running counter (62.5 MHz on
// QEMU aarch64, 10 MHz on riscv64) without 64-bit overflow: whole seconds and
// the remainder are scaled separately.
#pragma once

#include <cstdint>

namespace sched {

inline constexpr std::uint64_t kNsPerSec = 1'000'000'000;

// Rounds down: a clock read never runs ahead.
constexpr std::uint64_t ticks_to_ns(std::uint64_t ticks, std::uint64_t freq_hz) {
  return (ticks / freq_hz) * kNsPerSec + (ticks % freq_hz) * kNsPerSec / freq_hz;
}

// Rounds up: a timer programmed from a ns deadline never fires early.
constexpr std::uint64_t ns_to_ticks_ceil(std::uint64_t ns, std::uint64_t freq_hz) {
  return (ns / kNsPerSec) * freq_hz + ((ns % kNsPerSec) * freq_hz + kNsPerSec - 1) / kNsPerSec;
}

}  // namespace sched
