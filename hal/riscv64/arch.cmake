# riscv64 (RV64GC, Sv39) compile flags for every kernel object, libfdt included.
# lp64d matches Debian's libgcc; the kernel itself never touches FP state
# (sstatus.FS stays Off, so a stray FP instruction traps).
# -mno-relax: no gp-relative relaxation (gp is not set up in the kernel).
# -fno-jump-tables: the early boot code (and the libfdt calls it makes) runs at
# the physical load address before the MMU is on; jump tables hold absolute
# link-time addresses, everything else medany generates is PC-relative.
# -ffixed-fs*: lp64d makes fs0-fs11 callee-saved, and a function calling
# __builtin_setjmp (the KTEST fault catcher) saves every callee-saved register,
# which would trap with FS=Off. Fixed registers are never saved nor allocated.
set(FUSION_ARCH_CFLAGS -march=rv64gc -mabi=lp64d -mcmodel=medany -mno-relax -fno-jump-tables
  -ffixed-fs0 -ffixed-fs1 -ffixed-fs2 -ffixed-fs3 -ffixed-fs4 -ffixed-fs5
  -ffixed-fs6 -ffixed-fs7 -ffixed-fs8 -ffixed-fs9 -ffixed-fs10 -ffixed-fs11)

# Applications linked into the image (Vela tasks, flat build) are ordinary C
# compiled against picolibc (the riscv64-unknown-elf build; same ABI): they may
# use FP, whose state the scheduler saves per task.
set(FUSION_APP_CFLAGS -march=rv64gc -mabi=lp64d -mcmodel=medany -mno-relax)
set(FUSION_PICOLIBC_DIR /usr/lib/picolibc/riscv64-unknown-elf)
set(FUSION_PICOLIBC_LIBDIR ${FUSION_PICOLIBC_DIR}/lib/rv64imafdc/lp64d)
# gp holds the per-hart pointer (hal/riscv64/README.md): the linker must never
# relax accesses to gp-relative form (picolibc's objects carry R_RISCV_RELAX).
set(FUSION_ARCH_LDFLAGS -Wl,--no-relax)

# Static Linux test programs (tests/linux) for the initrd: Debian's cross gcc
# with its glibc (libc6-dev-riscv64-cross).
set(FUSION_LINUX_CC riscv64-linux-gnu-gcc)
# Debian's riscv64 glibc ships no rcrt1.o, so -static-pie cannot link: the
# loader's static-PIE path is exercised on aarch64 (and by host tests).
set(FUSION_LINUX_STATIC_PIE OFF)
