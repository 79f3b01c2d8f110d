# The freestanding kernel for ${FUSION_BOARD} (${FUSION_ARCH}).
set(_root ${CMAKE_SOURCE_DIR})

add_library(fusion_kernel_flags INTERFACE)
target_compile_options(fusion_kernel_flags INTERFACE
  -ffreestanding -fno-stack-protector -fno-pic -fno-pie
  -fno-omit-frame-pointer -fno-asynchronous-unwind-tables -fno-unwind-tables
  -ffunction-sections -fdata-sections -g -Wall -Wextra
  $<$<COMPILE_LANGUAGE:CXX>:-fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit>)
target_include_directories(fusion_kernel_flags INTERFACE
  ${_root}/hal/include ${_root}/hal/${FUSION_ARCH}/include ${_root}/kernel/include
  ${_root}/kernel/klib/include ${_root}/mm/include ${_root}/sched/include ${_root}/fs/include
  ${_root}/linux_compat/include
  ${FUSION_LIBFDT_DIR})
target_compile_definitions(fusion_kernel_flags INTERFACE
  FUSION_KERNEL=1 FUSION_BOARD_NAME="${FUSION_BOARD}" FUSION_ARCH_NAME="${FUSION_ARCH}")

# What the board's hardware has; what it lacks is compiled out, not just
# unused (boards/<board>/board.cmake sets these before this file runs).
# FUSION_MMU: page tables, guard pages, W^X. FUSION_SMP: secondary CPU
# start-up and the KTEST cases that need several CPUs.
if(NOT DEFINED FUSION_MMU)
  set(FUSION_MMU ON)
endif()
if(NOT DEFINED FUSION_SMP)
  set(FUSION_SMP ON)
endif()
if(NOT DEFINED FUSION_FPU)  # FP registers saved per thread (hal/<arch>/arch.cmake)
  set(FUSION_FPU ON)
endif()
if(FUSION_MMU)
  target_compile_definitions(fusion_kernel_flags INTERFACE FUSION_CONFIG_MMU=1)
else()
  target_compile_definitions(fusion_kernel_flags INTERFACE FUSION_CONFIG_MMU=0)
endif()
if(FUSION_SMP)
  target_compile_definitions(fusion_kernel_flags INTERFACE FUSION_CONFIG_SMP=1)
else()
  target_compile_definitions(fusion_kernel_flags INTERFACE FUSION_CONFIG_SMP=0)
endif()

# The console terminal's input buffer (and its line-editing buffer): Linux's
# 4096 unless the board is short of RAM.
if(DEFINED FUSION_TTY_BUFFER_SIZE)
  target_compile_definitions(fusion_kernel_flags INTERFACE
    FUSION_TTY_BUFFER_SIZE=${FUSION_TTY_BUFFER_SIZE})
endif()

# What the image carries beyond the kernel and the Vela personality; a
# minimal configuration (the mps2-an385-min preset) turns these off.
option(FUSION_KTEST "in-kernel KTEST cases and runner (tools/run --test)" ON)
option(FUSION_MONITOR "the kernel monitor (--image monitor)" ON)
option(FUSION_OSTEST "the Vela ostest suite (tests/vela)" ON)
option(FUSION_SIZE_OPT "optimise for size (-Os) instead of speed" OFF)
option(FUSION_PROCFS "/proc (procfs and the kernel's /proc files)" ON)
option(FUSION_INITRD "unpack an initrd named by /chosen into the root tmpfs" ON)
option(FUSION_URANDOM "/dev/random and /dev/urandom (fs/src/kernel/urandom.cpp)" ON)
foreach(_opt KTEST MONITOR PROCFS INITRD URANDOM)
  if(FUSION_${_opt})
    target_compile_definitions(fusion_kernel_flags INTERFACE FUSION_CONFIG_${_opt}=1)
  else()
    target_compile_definitions(fusion_kernel_flags INTERFACE FUSION_CONFIG_${_opt}=0)
  endif()
endforeach()
if(FUSION_SIZE_OPT)
  set(FUSION_OPT_FLAG -Os)
else()
  set(FUSION_OPT_FLAG -O2)
endif()
# Short __FILE__ (KASSERT, log lines): paths relative to the source tree.
target_compile_options(fusion_kernel_flags INTERFACE ${FUSION_OPT_FLAG}
  -fmacro-prefix-map=${_root}/=)
option(FUSION_MINIMAL "smallest image: integer-only printf, no demo apps" OFF)
# Link-time optimisation (the minimal preset): cross-module inlining and
# dead-code removal. klib's string functions stay out of LTO (string.cpp):
# GCC emits memcpy/memset calls after LTO has run, so they must exist as
# ordinary objects the final link can resolve.
option(FUSION_LTO "link-time optimisation (-flto)" OFF)
# KASSERT's expression text (klib/assert.hpp); file and line stay.
option(FUSION_ASSERT_TEXT "KASSERT messages quote the failed expression" ON)
if(NOT FUSION_ASSERT_TEXT)
  target_compile_definitions(fusion_kernel_flags INTERFACE FUSION_ASSERT_TEXT=0)
endif()
if(FUSION_LTO)
  target_compile_options(fusion_kernel_flags INTERFACE -flto)
endif()

# Static buffer sizes a small board turns down (its preset sets them).
set(FUSION_DMESG_BYTES 16384 CACHE STRING "dmesg ring (kernel/src/printk.cpp)")
set(FUSION_SIGNAL_POOL 512 CACHE STRING "queued-signal nodes, system-wide (kernel/src/signal)")
set(FUSION_VSH_HISTORY 16 CACHE STRING "vsh history lines")
option(FUSION_SHORT_STRERROR "strerror gives errno names (ENOENT), not picolibc's messages" OFF)
target_compile_definitions(fusion_kernel_flags INTERFACE
  FUSION_SHORT_STRERROR=$<BOOL:${FUSION_SHORT_STRERROR}>)
option(FUSION_FAULT_NAMES "fault dumps name the status bit (hal/armv7m/trap.cpp), not just the class" ON)
target_compile_definitions(fusion_kernel_flags INTERFACE
  FUSION_FAULT_NAMES=$<BOOL:${FUSION_FAULT_NAMES}>)
option(FUSION_VSH_SMALL "vsh without help texts, mv/cp/mount/umount/date/hexdump/run" OFF)
set(FUSION_MAX_FDS 256 CACHE STRING "descriptors per fd table (fs/include/fs/fdtable.hpp)")
set(FUSION_TLSF_FL_MAX "" CACHE STRING "Vela heap: largest block 2^N bytes (empty: the address space)")
set(FUSION_MAX_PID 4095 CACHE STRING "largest process/thread id, 64n - 1 (kernel/src/process/pid.cpp)")
set(FUSION_MEM_RANGES 32 CACHE STRING "devicetree RAM/reserved ranges (kernel/src/boot/memory.cpp)")
set(FUSION_EXEC_BYTES 1024 CACHE STRING "longest fusion.exec= command (kernel/src/boot/boot_options.cpp)")
set(FUSION_BOOT_STACK_SIZE 8192 CACHE STRING "boot thread stack, armv7m (hal/armv7m/vectors.S)")
set(FUSION_MSP_STACK_SIZE 4096 CACHE STRING "exception stack, armv7m (hal/armv7m/vectors.S)")
# Dynamic RAM: thread stacks (2^order pages, the lowest the guard) and the
# Vela heap (empty: RAM / 16 between 1 and 8 MiB).
set(FUSION_STACK_ORDER 3 CACHE STRING "thread stack block, log2 pages (sched/src/kernel/thread.cpp)")
set(FUSION_VELA_HEAP_BYTES "" CACHE STRING "Vela application heap size in bytes")
target_compile_definitions(fusion_kernel_flags INTERFACE FUSION_STACK_ORDER=${FUSION_STACK_ORDER})
if(FUSION_VELA_HEAP_BYTES)
  target_compile_definitions(fusion_kernel_flags INTERFACE
    FUSION_VELA_HEAP_BYTES=${FUSION_VELA_HEAP_BYTES})
endif()
target_compile_definitions(fusion_kernel_flags INTERFACE FUSION_DMESG_BYTES=${FUSION_DMESG_BYTES}
  FUSION_SIGNAL_POOL=${FUSION_SIGNAL_POOL} FUSION_BOOT_STACK_SIZE=${FUSION_BOOT_STACK_SIZE}
  FUSION_MSP_STACK_SIZE=${FUSION_MSP_STACK_SIZE} FUSION_MAX_FDS=${FUSION_MAX_FDS}
  FUSION_MAX_PID=${FUSION_MAX_PID}
  FUSION_MEM_RANGES=${FUSION_MEM_RANGES} FUSION_EXEC_BYTES=${FUSION_EXEC_BYTES})
if(FUSION_TLSF_FL_MAX)
  target_compile_definitions(fusion_kernel_flags INTERFACE FUSION_TLSF_FL_MAX=${FUSION_TLSF_FL_MAX})
endif()

include(${_root}/hal/${FUSION_ARCH}/arch.cmake)  # sets FUSION_ARCH_CFLAGS etc.
target_compile_options(fusion_kernel_flags INTERFACE ${FUSION_ARCH_CFLAGS})

# libfdt from the upstream sources in Debian's linux-source (tools/setup).
if(NOT EXISTS ${FUSION_LIBFDT_DIR}/libfdt.h)
  message(FATAL_ERROR "libfdt sources missing in ${FUSION_LIBFDT_DIR}: run tools/setup")
endif()
# Overlays are not used and need strtoul; leave them out.
file(GLOB _libfdt_srcs ${FUSION_LIBFDT_DIR}/fdt*.c)
list(FILTER _libfdt_srcs EXCLUDE REGEX "fdt_overlay\\.c$")
add_library(libfdt OBJECT ${_libfdt_srcs})
target_link_libraries(libfdt PUBLIC fusion_kernel_flags)
target_compile_options(libfdt PRIVATE -w)  # upstream code, upstream warnings

add_library(hal_contract INTERFACE)
add_subdirectory(${_root}/kernel/klib ${CMAKE_BINARY_DIR}/klib)
if(FUSION_LTO)
  set_source_files_properties(${_root}/kernel/klib/src/kernel/string.cpp TARGET_DIRECTORY klib
    PROPERTIES COMPILE_OPTIONS -fno-lto)
endif()
add_subdirectory(${_root}/mm ${CMAKE_BINARY_DIR}/mm)
add_subdirectory(${_root}/sched ${CMAKE_BINARY_DIR}/sched)
add_subdirectory(${_root}/fs ${CMAKE_BINARY_DIR}/fs)
# User space (kernel/src/user, mm's address spaces, the Linux personality and
# its test programs) needs page tables: compiled out without an MMU.
if(FUSION_MMU)
  add_subdirectory(${_root}/linux_compat ${CMAKE_BINARY_DIR}/linux_compat)
endif()

# hal: the arch folder plus the drivers this board selects.
file(GLOB_RECURSE _hal_srcs CONFIGURE_DEPENDS ${_root}/hal/${FUSION_ARCH}/*.cpp ${_root}/hal/${FUSION_ARCH}/*.S)
foreach(drv ${FUSION_DRIVERS})
  list(APPEND _hal_srcs ${_root}/hal/drivers/${drv}.cpp)
endforeach()
file(GLOB_RECURSE _kernel_srcs CONFIGURE_DEPENDS ${_root}/kernel/src/*.cpp ${_root}/kernel/src/*.S)
if(NOT FUSION_SMP)
  list(REMOVE_ITEM _kernel_srcs ${_root}/kernel/src/boot/smp.cpp)  # secondary CPU start-up
endif()
file(GLOB_RECURSE _ktest_srcs CONFIGURE_DEPENDS ${_root}/tests/kernel/*.cpp)
if(NOT FUSION_KTEST)
  set(_ktest_srcs "")
  # The runner goes; expected_fault.cpp stays (the trap handlers ask it).
  list(FILTER _kernel_srcs EXCLUDE REGEX "/kernel/src/ktest/ktest\\.cpp$")
endif()
if(NOT FUSION_MONITOR)
  list(FILTER _kernel_srcs EXCLUDE REGEX "/kernel/src/monitor/")
endif()
# KTEST cases for hardware the board lacks are compiled out, not skipped.
if(NOT FUSION_MMU)
  list(REMOVE_ITEM _ktest_srcs ${_root}/tests/kernel/user_space_test.cpp
    ${_root}/tests/kernel/cow_test.cpp)
  list(REMOVE_ITEM _kernel_srcs ${_root}/kernel/src/user/user.cpp)  # no user space
endif()
# W^X of the image and stack guards need an MMU or an MPU (FUSION_MPU).
if(NOT FUSION_MMU AND NOT FUSION_MPU)
  list(REMOVE_ITEM _ktest_srcs ${_root}/tests/kernel/guard_page_test.cpp
    ${_root}/tests/kernel/protection_test.cpp)
endif()
if(NOT FUSION_FPU)
  list(REMOVE_ITEM _ktest_srcs ${_root}/tests/kernel/fpu_tls_test.cpp)
endif()
file(GLOB _board_srcs CONFIGURE_DEPENDS ${_root}/boards/${FUSION_BOARD}/*.cpp)

# A board whose firmware passes no devicetree (FUSION_BUILTIN_DTB) has its
# <board>.dts compiled and linked in as fusion_builtin_dtb (hal/<arch> hands
# it to kernel_main).
set(_dts ${_root}/boards/${FUSION_BOARD}/${FUSION_BOARD}.dts)
# Such a board's hal writes the command line into /chosen/bootargs of a RAM
# copy, in place: its .dts includes bootargs.dtsi, generated here with a
# zero-filled bootargs of FUSION_BOOTARGS_BYTES (the longest command line).
if(FUSION_BUILTIN_DTB)
  set(FUSION_BOOTARGS_BYTES 512 CACHE STRING "room for /chosen/bootargs in a built-in DTB")
  target_compile_definitions(fusion_kernel_flags INTERFACE
    FUSION_BOOTARGS_BYTES=${FUSION_BOOTARGS_BYTES})
  string(REPEAT " 00" ${FUSION_BOOTARGS_BYTES} _zeros)
  file(CONFIGURE OUTPUT ${CMAKE_BINARY_DIR}/bootargs.dtsi CONTENT
    "/* Generated by cmake/kernel.cmake: FUSION_BOOTARGS_BYTES of room for the
 * command line the hal writes in place (hal/armv7m/start.cpp). */
/ {
\tchosen {
\t\tbootargs = [${_zeros} ];
\t};
};
")
  set(_dtb ${CMAKE_BINARY_DIR}/${FUSION_BOARD}.dtb)
  add_custom_command(OUTPUT ${_dtb}
    COMMAND dtc -q -i ${CMAKE_BINARY_DIR} -I dts -O dtb -o ${_dtb} ${_dts}
    DEPENDS ${_dts} ${CMAKE_BINARY_DIR}/bootargs.dtsi COMMENT "devicetree ${FUSION_BOARD}.dtb")
  file(WRITE ${CMAKE_BINARY_DIR}/builtin_dtb.S
    ".section .rodata.fusion_dtb, \"a\"\n.balign 8\n.global fusion_builtin_dtb\n"
    "fusion_builtin_dtb:\n.incbin \"${_dtb}\"\n")
  set_source_files_properties(${CMAKE_BINARY_DIR}/builtin_dtb.S PROPERTIES OBJECT_DEPENDS ${_dtb})
  list(APPEND _board_srcs ${CMAKE_BINARY_DIR}/builtin_dtb.S)
endif()

set(_ld ${_root}/hal/${FUSION_ARCH}/kernel.ld)
add_executable(fusion.elf ${_hal_srcs} ${_kernel_srcs} ${_ktest_srcs} ${_board_srcs}
  $<TARGET_OBJECTS:libfdt> $<TARGET_OBJECTS:klib> $<TARGET_OBJECTS:mm> $<TARGET_OBJECTS:sched> $<TARGET_OBJECTS:fs>)
if(FUSION_MMU)
  target_sources(fusion.elf PRIVATE $<TARGET_OBJECTS:linux_compat>)
endif()
target_link_libraries(fusion.elf PRIVATE fusion_kernel_flags)
target_include_directories(fusion.elf PRIVATE ${_root}/hal/drivers)
# The arch flags also pick the matching libgcc multilib (Thumb-only for Cortex-M).
target_link_options(fusion.elf PRIVATE ${FUSION_ARCH_CFLAGS} -nostdlib -static -no-pie -T ${_ld}
  -L ${_root}/boards/${FUSION_BOARD}
  -Wl,--gc-sections -Wl,--build-id=none -Wl,-z,max-page-size=4096 -Wl,--no-warn-rwx-segments
  -Wl,-Map=${CMAKE_BINARY_DIR}/fusion.map)  # tools/size attributes sizes to modules from it
target_link_libraries(fusion.elf PRIVATE gcc)
if(FUSION_LTO)
  # Like string.cpp: the 64-bit atomics are libcalls GCC emits after LTO.
  set_source_files_properties(${_root}/hal/armv7m/atomic64.cpp TARGET_DIRECTORY fusion.elf
    PROPERTIES COMPILE_OPTIONS -fno-lto)
  # One partition: the whole kernel optimised as one unit (a little smaller);
  # the section flags keep --gc-sections working on LTO's output.
  target_link_options(fusion.elf PRIVATE -flto -flto-partition=one ${FUSION_OPT_FLAG}
    -ffunction-sections -fdata-sections)
endif()
# Size budgets (the mps2-an385-min preset: 64 KiB / 16 KiB): the link fails
# when text + data or data + bss outgrows them (hal/armv7m/kernel.ld).
set(FUSION_FLASH_BUDGET "" CACHE STRING "fail the link above this many bytes of text + data (armv7m)")
set(FUSION_RAM_BUDGET "" CACHE STRING "fail the link above this many bytes of data + bss (armv7m)")
if(FUSION_FLASH_BUDGET)
  target_link_options(fusion.elf PRIVATE -Wl,--defsym=__flash_budget=${FUSION_FLASH_BUDGET})
endif()
if(FUSION_RAM_BUDGET)
  target_link_options(fusion.elf PRIVATE -Wl,--defsym=__ram_budget=${FUSION_RAM_BUDGET})
endif()
set_target_properties(fusion.elf PROPERTIES LINK_DEPENDS ${_ld})

# GCC's own freestanding headers (stddef.h, stdarg.h) for code built with -nostdinc.
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=include
  OUTPUT_VARIABLE FUSION_GCC_INCLUDE_DIR OUTPUT_STRIP_TRAILING_WHITESPACE)
include(${_root}/vela_rtos/vela.cmake)

# The initrd: the Linux test programs (tests/linux), cross-built static.
if(FUSION_MMU AND FUSION_LINUX_CC)
  include(${_root}/tests/linux/linux_tests.cmake)
endif()

# The bootable Image: the ELF's loadable bytes, starting with the Image header.
add_custom_command(TARGET fusion.elf POST_BUILD
  COMMAND ${CMAKE_OBJCOPY} -O binary fusion.elf Image
  BYPRODUCTS Image COMMENT "Image for ${FUSION_BOARD}")

# tools/run reads the board's QEMU command line from here. A board whose
# QEMU machine has a fixed CPU count or RAM size sets FUSION_QEMU_SMP_FIXED or
# FUSION_QEMU_MEM_FIXED; tools/run then gives fewer CPUs or less RAM with
# fusion.maxcpus / fusion.mem instead of -smp / -m. QEMU boots the Image
# (Linux boot protocol) unless the board names another file (M-profile QEMU
# loads the ELF itself).
if(NOT FUSION_QEMU_IMAGE)
  set(FUSION_QEMU_IMAGE Image)
endif()
string(REPLACE ";" "\", \"" _qargs "${FUSION_QEMU_ARGS}")
if(FUSION_QEMU_SMP_FIXED)
  set(_smp_fixed true)
else()
  set(_smp_fixed false)
endif()
if(FUSION_QEMU_MEM_FIXED)
  set(_mem_fixed true)
else()
  set(_mem_fixed false)
endif()
if(NOT DEFINED FUSION_QEMU_FIRMWARE_CPUS)
  set(FUSION_QEMU_FIRMWARE_CPUS 0)  # CPUs QEMU emulates that only firmware runs on
endif()
file(WRITE ${CMAKE_BINARY_DIR}/qemu.json
"{\"board\": \"${FUSION_BOARD}\", \"arch\": \"${FUSION_ARCH}\", \"qemu\": \"${FUSION_QEMU_SYSTEM}\",
 \"args\": [\"${_qargs}\"], \"smp\": ${FUSION_QEMU_SMP}, \"smp_fixed\": ${_smp_fixed}, \"mem\": \"${FUSION_QEMU_MEM}\", \"mem_fixed\": ${_mem_fixed},
 \"firmware_cpus\": ${FUSION_QEMU_FIRMWARE_CPUS},
 \"image\": \"${CMAKE_BINARY_DIR}/${FUSION_QEMU_IMAGE}\", \"elf\": \"${CMAKE_BINARY_DIR}/fusion.elf\",
 \"addr2line\": \"${CMAKE_ADDR2LINE}\", \"initrd\": \"${FUSION_INITRD}\",
 \"linux_initrd\": \"${FUSION_LINUX_INITRD}\"}\n")
