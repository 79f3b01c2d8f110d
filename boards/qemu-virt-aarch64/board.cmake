# QEMU virt, 64-bit Arm. QEMU generates the devicetree (GIC version, CPU count
# and memory follow the command line), so the board needs no addresses here.
set(FUSION_ARCH aarch64)
set(FUSION_DRIVERS pl011 gicv2 gicv3 arm_timer psci virtio_mmio virtio_rng pl031_rtc)
set(FUSION_QEMU_SYSTEM qemu-system-aarch64)
# Semihosting lets the kernel hand its exit status to QEMU (test mode).
set(FUSION_QEMU_ARGS -M virt -cpu cortex-a53 -nographic -semihosting)
set(FUSION_QEMU_SMP 4)
set(FUSION_QEMU_MEM 512M)
