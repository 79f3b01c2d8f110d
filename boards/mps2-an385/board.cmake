# Arm MPS2 + AN385 (one Cortex-M3, no MMU): Vela RTOS personality only. The
# devicetree is built in (mps2-an385.dts); QEMU loads the ELF itself.
set(FUSION_ARCH armv7m)
set(FUSION_DRIVERS cmsdk_uart cmsdk_timer)
set(FUSION_MMU OFF)  # no page tables
set(FUSION_MPU ON)   # W^X and stack guards from MPU regions (hal/armv7m/mpu.cpp)
set(FUSION_SMP OFF)  # one CPU: secondary start-up compiled out, one per-CPU slot
# 16 KiB stack blocks (12 KiB usable above the MPU guard page) instead of
# 32; KTEST and ostest pass with 4 KiB too. A preset may set its own.
set(FUSION_STACK_ORDER 2 CACHE STRING "thread stack block, log2 pages")
# 2 x 4 KiB of terminal buffers would not fit 16 KiB of RAM (the minimal
# preset turns it down further).
set(FUSION_TTY_BUFFER_SIZE 256 CACHE STRING "console terminal input and edit buffers, bytes each")
set(FUSION_BUILTIN_DTB ON)  # mps2-an385.dts is linked into the image
set(FUSION_QEMU_SYSTEM qemu-system-arm)
set(FUSION_QEMU_ARGS -M mps2-an385 -nographic -semihosting)
set(FUSION_QEMU_SMP 1)
set(FUSION_QEMU_SMP_FIXED ON)  # QEMU's mps2 has exactly one CPU: --smp N becomes fusion.maxcpus=N
set(FUSION_QEMU_MEM 16M)  # QEMU requires exactly this (its PSRAM; Fusion uses the SSRAMs)
set(FUSION_QEMU_MEM_FIXED ON)
set(FUSION_QEMU_IMAGE fusion.elf)
