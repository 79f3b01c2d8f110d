// Host build: trap frames do not exist; declared so headers compile.
#pragma once

namespace hal {
struct TrapFrame {};
}  // namespace hal
