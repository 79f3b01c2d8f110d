// SBI (Supervisor Binary Interface) calls into OpenSBI: the extensions Fusion
// uses and what the boot-time probe found.
#pragma once

#include <cstdint>

namespace hal::sbi {

inline constexpr long kExtBase = 0x10;
inline constexpr long kExtTime = 0x54494D45;    // "TIME"
inline constexpr long kExtIpi = 0x735049;       // "sPI"
inline constexpr long kExtRfence = 0x52464E43;  // "RFNC"
inline constexpr long kExtHsm = 0x48534D;       // "HSM"
inline constexpr long kExtSrst = 0x53525354;    // "SRST"
inline constexpr long kLegacyShutdown = 0x08;

struct Ret {
  long error;  // 0 = success, negative SBI error code
  long value;
};

inline Ret call(long ext, long fid, unsigned long a0 = 0, unsigned long a1 = 0,
                unsigned long a2 = 0, unsigned long a3 = 0) {
  register unsigned long r0 asm("a0") = a0;
  register unsigned long r1 asm("a1") = a1;
  register unsigned long r2 asm("a2") = a2;
  register unsigned long r3 asm("a3") = a3;
  register unsigned long r6 asm("a6") = fid;
  register unsigned long r7 asm("a7") = ext;
  asm volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r3), "r"(r6), "r"(r7) : "memory");
  return {static_cast<long>(r0), static_cast<long>(r1)};
}

struct Info {
  unsigned long spec_version;  // major << 24 | minor
  unsigned long impl_id;
  unsigned long impl_version;
  bool time, ipi, rfence, hsm, srst;
};

// Filled by probe() at boot (hal/riscv64/sbi.cpp), before any driver runs.
extern Info info;
void probe();

void set_timer(std::uint64_t stime);
bool send_ipi(std::uint64_t hartid);
// sfence.vma on every other hart for [start, start + size).
void remote_sfence_vma(std::uintptr_t start, std::uintptr_t size);
long hart_start(std::uint64_t hartid, std::uint64_t start_pa, std::uint64_t opaque);
// SRST system_reset (shutdown), falling back to the legacy shutdown call.
void shutdown(bool failure);

}  // namespace hal::sbi
