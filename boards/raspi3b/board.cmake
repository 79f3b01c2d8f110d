# Raspberry Pi 3 Model B (BCM2837, 4x Cortex-A53). The kernel is the same
# aarch64 Image (kernel8.img on the SD card); the devicetree is the board's
# own, built here from the upstream Linux sources plus raspi3b.dts. QEMU's
# raspi3b machine has fixed RAM (1 GiB) and CPU count (4).
set(FUSION_ARCH aarch64)
set(FUSION_DRIVERS bcm2836_l1_intc bcm2835_armctrl_ic pl011 bcm2835_aux_uart arm_timer)
include(${CMAKE_CURRENT_LIST_DIR}/dtb.cmake)

set(FUSION_QEMU_SYSTEM qemu-system-aarch64)
# The DT's stdout-path is serial1, the mini-UART; QEMU maps -serial options in
# order to UART0 (PL011, the Bluetooth UART on a real Pi 3) and then the
# mini-UART. Semihosting carries the exit status (test mode), as on virt.
set(FUSION_QEMU_ARGS -M raspi3b -display none -serial null -serial mon:stdio -semihosting
  -dtb ${FUSION_BOARD_DTB})
set(FUSION_QEMU_SMP 4)
set(FUSION_QEMU_SMP_FIXED ON)  # --smp N < 4 becomes fusion.maxcpus=N
set(FUSION_QEMU_MEM 1G)
set(FUSION_QEMU_MEM_FIXED ON)  # --mem M < 1G becomes fusion.mem=M
