# The Vela RTOS personality, flat build (as NuttX without CONFIG_BUILD_KERNEL):
#  - vela_rtos/src/**.cpp: the API implementation, kernel C++ (kernel flags);
#  - vela_rtos/include: the NuttX-compatible C headers apps include, layered
#    over picolibc's headers;
#  - vela_rtos/apps/**.c and tests/vela/**.c: C applications linked into the
#    image and started as tasks, compiled with FUSION_APP_CFLAGS (FP allowed).
# picolibc (Debian's prebuilt libc.a/libm.a) supplies stdio, string, stdlib and
# math for the applications.
set(_vela ${CMAKE_SOURCE_DIR}/vela_rtos)

# Arch link flags for the whole image (riscv64: --no-relax, gp is per hart).
target_link_options(fusion.elf PRIVATE ${FUSION_ARCH_LDFLAGS})

file(GLOB_RECURSE _vela_srcs CONFIGURE_DEPENDS ${_vela}/src/*.cpp ${_vela}/src/*.c)
file(GLOB_RECURSE _vela_app_srcs CONFIGURE_DEPENDS ${_vela}/apps/*.c)
if(FUSION_MINIMAL)
  list(FILTER _vela_app_srcs EXCLUDE REGEX "/apps/hello/")  # the demo app
  # picolibc's integer-only printf/scanf: no floating-point conversions.
  target_link_options(fusion.elf PRIVATE -Wl,--defsym=vfprintf=__i_vfprintf
    -Wl,--defsym=vfscanf=__i_vfscanf)
endif()
if(FUSION_OSTEST)
  file(GLOB_RECURSE _ostest_srcs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/vela/*.c)
  list(APPEND _vela_app_srcs ${_ostest_srcs})
endif()

add_library(vela_app_flags INTERFACE)
target_compile_definitions(vela_app_flags INTERFACE VSH_HISTORY=${FUSION_VSH_HISTORY}
  VSH_SMALL=$<BOOL:${FUSION_VSH_SMALL}> VSH_PROCFS=$<BOOL:${FUSION_PROCFS}>)
target_compile_options(vela_app_flags INTERFACE
  -fno-pic -fno-pie -ffunction-sections -fdata-sections -g ${FUSION_OPT_FLAG}
  -fno-omit-frame-pointer -ftls-model=local-exec -Wall -Wextra -nostdinc
  $<$<BOOL:${FUSION_LTO}>:-flto>
  ${FUSION_APP_CFLAGS}  # last: the arch may override the defaults above
  "SHELL:-isystem ${_vela}/include" "SHELL:-isystem ${FUSION_PICOLIBC_DIR}/include"
  "SHELL:-isystem ${FUSION_GCC_INCLUDE_DIR}" "SHELL:-isystem ${FUSION_GCC_INCLUDE_DIR}-fixed")

# The API implementation: kernel C++ plus a few C files (kernel flags, no
# FP). C files and errno_map.cpp see picolibc's headers first, exactly as
# the applications do (<stdio.h>, <errno.h> values, TLS errno). The other C++
# files cannot: libstdc++ is the toolchain's hosted build, and its C++20
# <atomic> pulls gthr/futex code that needs glibc's <pthread.h>, <unistd.h>
# and <syscall.h>. So they search the toolchain (glibc) headers first and
# reach the C ABI types through our own headers (vela_rtos/include, the
# __VELA_ABI view), with picolibc's only as a fallback (-idirafter). errno
# and the stdio buffers are TLS: local-exec, like the applications.
# "SHELL:" keeps CMake from de-duplicating repeated -isystem flags.
if(_vela_srcs)
  add_library(vela_api OBJECT ${_vela_srcs})
  target_link_libraries(vela_api PUBLIC fusion_kernel_flags)
  target_compile_options(vela_api PRIVATE "SHELL:-isystem ${_vela}/include" -ftls-model=local-exec
    "$<$<COMPILE_LANGUAGE:C>:SHELL:-isystem ${FUSION_PICOLIBC_DIR}/include>"
    "$<$<COMPILE_LANGUAGE:CXX>:SHELL:-idirafter ${FUSION_PICOLIBC_DIR}/include>")
  set_source_files_properties(${_vela}/src/errno_map.cpp TARGET_DIRECTORY fusion.elf
    PROPERTIES COMPILE_OPTIONS "-isystem${FUSION_PICOLIBC_DIR}/include")
  target_include_directories(vela_api PRIVATE ${_vela}/src)
  target_sources(fusion.elf PRIVATE $<TARGET_OBJECTS:vela_api>)
endif()

# picolibc: one definition of each symbol. klib's C string functions
# (kernel/klib/src/kernel/string.cpp: memcpy, strlen...) are objects, so the
# linker never pulls libc.a's members for them: applications use the
# kernel's plain versions too. The runtime (vela_rtos/src/runtime) defines
# malloc & co., the retargetable locks, stdin/stdout/stderr,
# __libc_fini_array and (aarch64) __aarch64_have_lse_atomics, so libc.a's
# nano-malloc, lock stubs, fini code and libgcc's auxv-probing LSE
# constructor stay out; _exit is the task layer's (src/task.cpp). The group
# resolves libc <-> libm <-> libgcc in any order. printf/scanf: libc.a's default vfprintf/vfscanf are the double
# variants (__d_vfprintf), so %f works without a --defsym.
if(_vela_app_srcs)
  add_library(vela_apps OBJECT ${_vela_app_srcs})
  target_link_libraries(vela_apps PUBLIC vela_app_flags)
  target_sources(fusion.elf PRIVATE $<TARGET_OBJECTS:vela_apps>)
endif()
target_link_libraries(fusion.elf PRIVATE -Wl,--start-group ${FUSION_PICOLIBC_LIBDIR}/libc.a
  ${FUSION_PICOLIBC_LIBDIR}/libm.a gcc -Wl,--end-group)
