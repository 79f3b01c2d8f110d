// Drivers are bound at run time from the devicetree by `compatible`
// (the Zephyr/SerenityOS pattern): each driver places a descriptor in the
// .fusion_drivers section and the kernel probes every enabled node that
// matches, stage by stage.
#pragma once

#include <kernel/dt.hpp>
#include <klib/result.hpp>

namespace kernel {

enum class DriverStage : int {
  Console = 0,   // UARTs: printk works after this stage
  IrqChip = 1,   // GIC / PLIC
  Timer = 2,     // arch timers
  Platform = 3,  // PSCI, SBI, power-off devices
  Device = 4,    // everything else (rng, virtio, ...)
};

using ProbeFn = klib::Result<void> (*)(dt::Node node);

struct DriverDescriptor {
  const char* name;
  const char* const* compatibles;  // nullptr-terminated
  DriverStage stage;
  ProbeFn probe;
};

// Probes every devicetree node matching a driver of `stage`; returns how many
// devices were bound. Failures are logged with the driver and node name.
int probe_drivers(DriverStage stage);

}  // namespace kernel

#define FUSION_DRIVER(ident, drv_stage, probe_fn, ...)                                           \
  static const char* const ident##_compatibles[] = {__VA_ARGS__, nullptr};                       \
  [[gnu::used,                                                                                   \
    gnu::section(".fusion_drivers")]] static const ::kernel::DriverDescriptor ident##_driver = { \
      #ident, ident##_compatibles, drv_stage, probe_fn}
