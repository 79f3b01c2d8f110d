// Host build: no kernel address space; identity "direct map" for tests.
#pragma once

#include <cstdint>

namespace hal {
inline constexpr std::uintptr_t kDirectMapBase = 0;
}
