// The BCM2836/7 per-core interrupt controller ("brcm,bcm2836-l1-intc") is
// the root controller on Raspberry Pi 2/3; the ARM interrupt controller
// (bcm2835_armctrl_ic.cpp) is chained into one of its inputs.
//
// hal::irq numbers on these SoCs: 0-15 IPIs (mailbox 0 bits), 16 + n local
// input n (0-3 the core's generic timers, 8 the GPU, 9 the PMU), 32 and up
// the chained controller's own numbers.
#pragma once

#include <kernel/dt.hpp>
#include <klib/result.hpp>

namespace bcm2836_l1 {

inline constexpr unsigned kLocalBase = 16;
inline constexpr unsigned kChainedBase = 32;
inline constexpr unsigned kNone = 1023;  // "nothing pending" (>= 1020: spurious)

struct Chained {
  unsigned (*pending)();  // the lowest pending number (>= kChainedBase) or kNone
  void (*mask)(unsigned irq);
  void (*unmask)(unsigned irq);
};

// Chains `chip` into the local input named by `node`'s "interrupts"; either
// driver may probe first.
klib::Result<void> chain(dt::Node node, const Chained* chip);

}  // namespace bcm2836_l1
