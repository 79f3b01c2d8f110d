// RISC-V timer: frequency from /cpus timebase-frequency, and whether the
// harts implement Sstc (stimecmp) from the cpu nodes' ISA description. Bound
// to the "riscv" cpu nodes; the first hart that can run the kernel configures
// hal's timer (a monitor core such as the FU540's E51 may have another ISA),
// the rest are the same hardware.
#include <hal/arch/riscv.hpp>
#include <hal/smp.hpp>
#include <kernel/driver.hpp>
#include <klib/printk.hpp>

namespace {

bool configured;

bool streq(const char* a, const char* b, int n) {
  for (int i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return b[n] == '\0';
}

// "rv64imafdc_zicsr_sstc": multi-letter extensions are '_' separated.
bool isa_string_has(const char* isa, const char* ext) {
  if (!isa) return false;
  for (const char* p = isa; *p;) {
    const char* start = p;
    while (*p && *p != '_') ++p;
    if (start != isa && streq(start, ext, static_cast<int>(p - start))) return true;
    if (*p) ++p;
  }
  return false;
}

// "riscv,isa-extensions" (newer DTs): a string list.
bool isa_list_has(dt::Node cpu, const char* ext) {
  int len = 0;
  const char* list = static_cast<const char*>(dt::prop(cpu, "riscv,isa-extensions", &len));
  for (int off = 0; list && off < len;) {
    const char* s = list + off;
    int n = 0;
    while (off + n < len && s[n]) ++n;
    if (streq(s, ext, n)) return true;
    off += n + 1;
  }
  return false;
}

klib::Result<void> probe(dt::Node cpu) {
  if (configured || !hal::cpu_node_usable(cpu)) return klib::ok();
  std::uint64_t hz = dt::prop_u32(cpu, "timebase-frequency").value_or(0);
  if (!hz) hz = TRY(dt::prop_u32(dt::find_path("/cpus"), "timebase-frequency"));
  const bool sstc =
      isa_string_has(dt::prop_string(cpu, "riscv,isa"), "sstc") || isa_list_has(cpu, "sstc");
  hal::riscv::timer_configure(hz, sstc);
  configured = true;
  klib::printk("riscv-timer: %lu Hz, deadlines via %s\n", static_cast<unsigned long>(hz),
               sstc ? "stimecmp (Sstc)" : "SBI set_timer");
  return klib::ok();
}

}  // namespace

FUSION_DRIVER(riscv_timer, kernel::DriverStage::Timer, probe, "riscv");
