// Host build: sched's portable policy code names hal::Context but the host
// never switches kernel threads, so an opaque placeholder is enough.
#pragma once

namespace hal {
struct Context {
  void* opaque[2];
};
}  // namespace hal
