# SiFive HiFive Unleashed (FU540) under QEMU -M sifive_u: OpenSBI (QEMU's
# default -bios) enters a U54 hart in S-mode. Hart 0 is the E51 monitor core
# (no MMU, no S-mode), left to the firmware, which marks its cpu node
# disabled; harts 1-4 are the U54 application cores.
set(FUSION_ARCH riscv64)
set(FUSION_DRIVERS sifive_uart plic riscv_timer sbi)
set(FUSION_QEMU_SYSTEM qemu-system-riscv64)
# QEMU sifive_u has no test finisher and OpenSBI no shutdown there, so the
# exit status reaches QEMU by semihosting (hal/riscv64/semihost.cpp).
set(FUSION_QEMU_ARGS -M sifive_u -bios default -nographic -semihosting-config enable=on,target=native)
# CPUs the kernel runs on (tools/run --smp); QEMU's -smp also counts the
# E51, so tools/run adds FUSION_QEMU_FIRMWARE_CPUS: the default is -smp 5,
# the whole machine.
set(FUSION_QEMU_SMP 4)
set(FUSION_QEMU_FIRMWARE_CPUS 1)
set(FUSION_QEMU_MEM 512M)
