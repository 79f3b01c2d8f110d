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
