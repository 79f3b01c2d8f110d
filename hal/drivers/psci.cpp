// PSCI firmware interface ("arm,psci-1.0", "arm,psci-0.2", "arm,psci"):
// CPU_ON for SMP bring-up and SYSTEM_OFF/RESET, through hvc or smc as the
// devicetree's "method" says. Registers itself as hal's FirmwareOps.
#include <hal/arch/firmware.hpp>
#include <kernel/driver.hpp>

namespace {

// SMCCC function IDs (PSCI 0.2+); 0.1 firmware lists its own in the node.
constexpr std::uint32_t kCpuOn64 = 0xc4000003;
constexpr std::uint32_t kSystemOff = 0x84000008;
constexpr std::uint32_t kSystemReset = 0x84000009;

bool g_use_smc;
std::uint32_t g_cpu_on_id = kCpuOn64;
bool g_has_system_calls;  // SYSTEM_OFF/RESET exist from PSCI 0.2 on

std::int64_t psci_call(std::uint64_t fn, std::uint64_t a1, std::uint64_t a2, std::uint64_t a3) {
  register std::uint64_t x0 asm("x0") = fn;
  register std::uint64_t x1 asm("x1") = a1;
  register std::uint64_t x2 asm("x2") = a2;
  register std::uint64_t x3 asm("x3") = a3;
  // SMCCC 1.0 allows the callee to clobber x0-x17.
  if (g_use_smc) {
    asm volatile("smc #0"
                 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                 :
                 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
                   "x16", "x17", "memory");
  } else {
    asm volatile("hvc #0"
                 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                 :
                 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
                   "x16", "x17", "memory");
  }
  return static_cast<std::int64_t>(x0);
}

int cpu_on(std::uint64_t hwid, std::uint64_t entry_pa, std::uint64_t context) {
  return static_cast<int>(psci_call(g_cpu_on_id, hwid, entry_pa, context));
}

void system_off() {
  if (g_has_system_calls) psci_call(kSystemOff, 0, 0, 0);
}

void system_reset() {
  if (g_has_system_calls) psci_call(kSystemReset, 0, 0, 0);
}

const hal::arch::FirmwareOps g_ops = {"psci", cpu_on, system_off, system_reset};

klib::Result<void> psci_probe(dt::Node node) {
  const char* method = dt::prop_string(node, "method");
  if (!method) return klib::Err(klib::Error::INVAL);
  if (__builtin_strcmp(method, "smc") == 0) {
    g_use_smc = true;
  } else if (__builtin_strcmp(method, "hvc") != 0) {
    return klib::Err(klib::Error::INVAL);
  }
  g_has_system_calls =
      dt::is_compatible(node, "arm,psci-0.2") || dt::is_compatible(node, "arm,psci-1.0");
  if (!g_has_system_calls) {
    auto id = dt::prop_u32(node, "cpu_on");  // PSCI 0.1: IDs from the node
    if (!id.ok()) return klib::Err(klib::Error::INVAL);
    g_cpu_on_id = *id;
  }
  hal::arch::firmware_register(&g_ops);
  return klib::ok();
}

}  // namespace

FUSION_DRIVER(psci, kernel::DriverStage::Platform, psci_probe, "arm,psci-1.0", "arm,psci-0.2",
              "arm,psci");
