# SPDX-License-Identifier: 0BSD
# Script mode (cmake -DLAYOUT_H=... -DOUT_DIR=... -P gen_layout.cmake), run by kernel.cmake at build
# time: turns the "#define NAME NUMBER" lines of include/frame64/layout.h into OUT_DIR/layout.inc
# (NASM %define lines) and OUT_DIR/layout.ld (a linker-script fragment), so the kernel's addresses
# are written down once. Anything in layout.h that neither NASM nor ld could read is an error here
# rather than a silent mismatch later.
if(NOT LAYOUT_H OR NOT OUT_DIR)
  message(FATAL_ERROR "usage: cmake -DLAYOUT_H=<layout.h> -DOUT_DIR=<dir> -P gen_layout.cmake")
endif()

file(STRINGS ${LAYOUT_H} lines REGEX "^[ \t]*#[ \t]*define")
set(header "Generated from include/frame64/layout.h by cmake/gen_layout.cmake: edit layout.h.")
set(nasm "; SPDX-License-Identifier: 0BSD\n; ${header}\n")
# PROVIDE: a constant the linker script does not use does not become a symbol of the kernel.
set(ld "/* SPDX-License-Identifier: 0BSD */\n/* ${header} */\n")
set(count 0)
foreach(line IN LISTS lines)
  if(line MATCHES "^#define[ \t]+FRAME64_LAYOUT_H[ \t]*$")
    continue() # the include guard
  endif()
  if(NOT line MATCHES "^#define[ \t]+([A-Z][A-Z0-9_]*)[ \t]+(0x[0-9A-Fa-f]+|[0-9]+)[ \t]*$")
    message(FATAL_ERROR "${LAYOUT_H}: \"${line}\" is not \"#define NAME NUMBER\" (a plain decimal "
                        "or 0x hex number, no suffix, no comment on the line); NASM and the linker "
                        "script read layout.h through this script and understand nothing else")
  endif()
  string(APPEND nasm "%define ${CMAKE_MATCH_1} ${CMAKE_MATCH_2}\n")
  string(APPEND ld "PROVIDE(${CMAKE_MATCH_1} = ${CMAKE_MATCH_2});\n")
  math(EXPR count "${count} + 1")
endforeach()
if(count EQUAL 0)
  message(FATAL_ERROR "${LAYOUT_H}: no \"#define NAME NUMBER\" line found")
endif()

file(MAKE_DIRECTORY ${OUT_DIR})
file(WRITE ${OUT_DIR}/layout.inc "${nasm}")
file(WRITE ${OUT_DIR}/layout.ld "${ld}")
