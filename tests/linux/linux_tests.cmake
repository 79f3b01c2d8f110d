# tests/linux: C programs cross-built as static Linux executables with the
# Debian cross toolchain (FUSION_LINUX_CC, glibc static from
# libc6-dev-<arch>-cross), packed into the board's initrd at /bin/linux/.
# tools/run passes the initrd to QEMU; vsh's `run /bin/linux/NAME` runs one.
set(_linux_tests ${CMAKE_SOURCE_DIR}/tests/linux)
file(GLOB _linux_test_srcs CONFIGURE_DEPENDS ${_linux_tests}/*.c)
# Programs also built as static-PIE (NAME-pie), for the loader's ET_DYN path,
# where the toolchain can (FUSION_LINUX_STATIC_PIE, from arch.cmake).
set(_linux_pie_tests)
if(FUSION_LINUX_STATIC_PIE)
  set(_linux_pie_tests auxv)
endif()
set(_linux_bins)
set(_initrd_pairs)
function(_linux_test name src link)
  set(bin ${CMAKE_BINARY_DIR}/linux/${name})
  add_custom_command(OUTPUT ${bin}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/linux
    COMMAND ${FUSION_LINUX_CC} ${link} -O2 -Wall -Wextra -o ${bin} ${src}
    DEPENDS ${src} ${_linux_tests}/check.h
    COMMENT "tests/linux: ${name} (${link}, ${FUSION_ARCH})" VERBATIM)
  set(_linux_bins ${_linux_bins} ${bin} PARENT_SCOPE)
  set(_initrd_pairs ${_initrd_pairs} bin/linux/${name}=${bin} PARENT_SCOPE)
endfunction()
foreach(src ${_linux_test_srcs})
  get_filename_component(name ${src} NAME_WE)
  _linux_test(${name} ${src} -static)
  if(name IN_LIST _linux_pie_tests)
    _linux_test(${name}-pie ${src} -static-pie)
  endif()
endforeach()
set(FUSION_INITRD ${CMAKE_BINARY_DIR}/initrd.cpio)
add_custom_command(OUTPUT ${FUSION_INITRD}
  COMMAND ${CMAKE_SOURCE_DIR}/tools/mkinitrd ${FUSION_INITRD} ${_initrd_pairs}
  DEPENDS ${_linux_bins} ${CMAKE_SOURCE_DIR}/tools/mkinitrd
  COMMENT "initrd.cpio (tests/linux)" VERBATIM)
add_custom_target(initrd ALL DEPENDS ${FUSION_INITRD})

# The Linux image's initramfs (tools/run --image linux): the same programs,
# plus on aarch64 Debian's busybox-static (tools/setup caches it) with its
# applet links and a minimal /etc (tools/linux-initrd). Without busybox in
# the cache the image still builds, with the test programs only.
set(FUSION_LINUX_INITRD ${CMAKE_BINARY_DIR}/initrd-linux.cpio)
set(_busybox_deps)
set(_busybox "none")
if(FUSION_ARCH STREQUAL "aarch64")
  set(_busybox $ENV{HOME}/.cache/fusion/busybox-arm64/busybox)
  if(EXISTS ${_busybox})
    set(_busybox_deps ${_busybox})
  endif()
endif()
add_custom_command(OUTPUT ${FUSION_LINUX_INITRD}
  COMMAND ${CMAKE_SOURCE_DIR}/tools/linux-initrd ${FUSION_LINUX_INITRD} ${_busybox}
          qemu-${FUSION_ARCH} ${_initrd_pairs}
  DEPENDS ${_linux_bins} ${_busybox_deps} ${CMAKE_SOURCE_DIR}/tools/mkinitrd
          ${CMAKE_SOURCE_DIR}/tools/linux-initrd
  COMMENT "initrd-linux.cpio (busybox, tests/linux)" VERBATIM)
add_custom_target(initrd-linux ALL DEPENDS ${FUSION_LINUX_INITRD})
