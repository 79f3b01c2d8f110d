# QEMU virt, RV64GC, entered in S-mode by OpenSBI (QEMU's default -bios).
set(FUSION_ARCH riscv64)
set(FUSION_DRIVERS ns16550a plic riscv_timer sbi sifive_test syscon_poweroff virtio_mmio virtio_rng goldfish_rtc)
set(FUSION_QEMU_SYSTEM qemu-system-riscv64)
set(FUSION_QEMU_ARGS -M virt -nographic)
set(FUSION_QEMU_SMP 4)
set(FUSION_QEMU_MEM 512M)
