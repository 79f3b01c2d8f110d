// ARMv7-M has no MMU: kernel virtual addresses are physical addresses (the
// "direct map" is the identity), devices are used where they sit.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hal {

inline constexpr std::uintptr_t kDirectMapBase = 0;

}  // namespace hal
