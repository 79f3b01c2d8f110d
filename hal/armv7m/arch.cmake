# ARMv7-M (Cortex-M3) code generation: Thumb-2 only, no FPU (soft-float ABI,
# matching picolibc's thumb/v7-m/nofp multilib). The kernel runs from flash
# at its link address, so no position-independent tricks are needed.
set(FUSION_ARCH_CFLAGS -mcpu=cortex-m3 -mthumb -mfloat-abi=soft)

# Applications (Vela tasks) use the same ABI: the M3 has no FP registers.
set(FUSION_APP_CFLAGS -mcpu=cortex-m3 -mthumb -mfloat-abi=soft)
set(FUSION_PICOLIBC_DIR /usr/lib/picolibc/arm-none-eabi)
set(FUSION_PICOLIBC_LIBDIR ${FUSION_PICOLIBC_DIR}/lib/thumb/v7-m/nofp)
set(FUSION_FPU OFF)  # no FP registers to save: the fpu_tls KTEST is compiled out

# No frame pointer: GCC's Thumb-2 frames do not chain through r7, so the
# backtracer scans the stack instead (unwind.cpp) and r7 is free for code.
list(APPEND FUSION_ARCH_CFLAGS -fomit-frame-pointer)
list(APPEND FUSION_APP_CFLAGS -fomit-frame-pointer)
