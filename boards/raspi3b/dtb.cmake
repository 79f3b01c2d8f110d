# Builds the board's DTB from raspi3b.dts, which includes the upstream Linux
# bcm2837-rpi-3-b.dts; tools/setup caches those sources (and the dt-bindings
# headers they use) in FUSION_LINUX_DTS_DIR. Preprocessed as Linux's
# scripts/Makefile.lib does (cpp -nostdinc -undef -x assembler-with-cpp).
set(FUSION_LINUX_DTS_DIR "$ENV{HOME}/.cache/fusion/linux-dts" CACHE PATH
  "upstream devicetree sources (tools/setup extracts them)")
set(_dts_src ${FUSION_LINUX_DTS_DIR}/arch/arm/boot/dts)
if(NOT EXISTS ${_dts_src}/bcm2837-rpi-3-b.dts)
  message(FATAL_ERROR "devicetree sources missing in ${FUSION_LINUX_DTS_DIR}: run tools/setup")
endif()
find_program(FUSION_DTC dtc REQUIRED)

set(FUSION_BOARD_DTB ${CMAKE_BINARY_DIR}/bcm2837-rpi-3-b.dtb)
add_custom_command(OUTPUT ${FUSION_BOARD_DTB}
  COMMAND ${CMAKE_C_COMPILER} -E -nostdinc -undef -D__DTS__ -x assembler-with-cpp
    -I ${_dts_src} -I ${FUSION_LINUX_DTS_DIR}/include
    -MD -MF raspi3b.dts.d -MT ${FUSION_BOARD_DTB}
    -o raspi3b.dts.pp ${CMAKE_CURRENT_LIST_DIR}/raspi3b.dts
  # -q: upstream's own warnings (interrupt providers without #address-cells).
  COMMAND ${FUSION_DTC} -q -I dts -O dtb -o ${FUSION_BOARD_DTB} raspi3b.dts.pp
  DEPENDS ${CMAKE_CURRENT_LIST_DIR}/raspi3b.dts
  DEPFILE ${CMAKE_BINARY_DIR}/raspi3b.dts.d
  WORKING_DIRECTORY ${CMAKE_BINARY_DIR}
  COMMENT "devicetree for raspi3b")
add_custom_target(board_dtb ALL DEPENDS ${FUSION_BOARD_DTB})
