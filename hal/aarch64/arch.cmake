# aarch64 kernel code generation. The kernel never touches FP/SIMD registers
# (no lazy FP state to save on traps); strict alignment because the early boot
# code runs with the MMU off, where all data accesses are Device memory and an
# unaligned access faults; the small code model makes every symbol reference
# adrp/add (PC-relative), which is what lets early C++ run at the load address.
# No outline atomics: libgcc's helpers probe the CPU through Linux's auxv.
set(FUSION_ARCH_CFLAGS -march=armv8-a -mgeneral-regs-only -mstrict-align -mcmodel=small
  -mno-outline-atomics)

# Applications linked into the image (Vela tasks, flat build) are ordinary C
# compiled against picolibc: they may use FP/SIMD, whose state the scheduler
# saves per task.
set(FUSION_APP_CFLAGS -march=armv8-a -mcmodel=small -mno-outline-atomics)
set(FUSION_PICOLIBC_DIR /usr/lib/picolibc/aarch64-linux-gnu)
set(FUSION_PICOLIBC_LIBDIR ${FUSION_PICOLIBC_DIR}/lib)

# Static Linux test programs (tests/linux) for the initrd: Debian's cross gcc
# with its glibc (libc6-dev-arm64-cross).
set(FUSION_LINUX_CC aarch64-linux-gnu-gcc)
set(FUSION_LINUX_STATIC_PIE ON)
