// SBI calls the riscv64 hal needs (timer, IPI, remote fence, HSM, reset) and
// the boot-time probe of which extensions the firmware implements.
#include <hal/arch/sbi.hpp>

namespace hal::sbi {

Info info;

void probe() {
  const Ret spec = call(kExtBase, 0);
  info.spec_version = spec.error ? 0 : static_cast<unsigned long>(spec.value);
  // SBI 0.1 has no base extension: only the legacy calls exist.
  if (spec.error || info.spec_version < (0ul << 24 | 2)) return;
  info.impl_id = static_cast<unsigned long>(call(kExtBase, 1).value);
  info.impl_version = static_cast<unsigned long>(call(kExtBase, 2).value);
  auto has = [](long ext) { return call(kExtBase, 3, static_cast<unsigned long>(ext)).value != 0; };
  info.time = has(kExtTime);
  info.ipi = has(kExtIpi);
  info.rfence = has(kExtRfence);
  info.hsm = has(kExtHsm);
  info.srst = has(kExtSrst);
}

void set_timer(std::uint64_t stime) {
  if (info.time)
    call(kExtTime, 0, stime);
  else
    call(0x00, 0, stime);  // legacy set_timer
}

bool send_ipi(std::uint64_t hartid) {
  // hart_mask bit 0 relative to hart_mask_base = hartid.
  if (info.ipi) return call(kExtIpi, 0, 1, hartid).error == 0;
  return false;
}

void remote_sfence_vma(std::uintptr_t start, std::uintptr_t size) {
  // hart_mask_base = -1: every hart (including this one, which is harmless).
  if (info.rfence) call(kExtRfence, 1, 0, static_cast<unsigned long>(-1), start, size);
}

long hart_start(std::uint64_t hartid, std::uint64_t start_pa, std::uint64_t opaque) {
  return call(kExtHsm, 0, hartid, start_pa, opaque).error;
}

void shutdown(bool failure) {
  if (info.srst) call(kExtSrst, 0, 0 /* shutdown */, failure ? 1 : 0);
  call(kLegacyShutdown, 0);
}

}  // namespace hal::sbi
