# SPDX-License-Identifier: 0BSD
# The generated console font (FRAME64_FONT_C, made by tools/psf2c in the top-level CMakeLists.txt)
# against the PSF file it was made from. Registered by hand rather than with frame64_unit_test():
# its source is generated, and tests/coverage would build its copy without the generation step.
foreach(variant "" "-san")
  set(exe unit${variant}_font)
  add_executable(${exe} ${CMAKE_CURRENT_SOURCE_DIR}/test_font.c ${FRAME64_FONT_C}
                        ${PROJECT_SOURCE_DIR}/tools/psf.c)
  add_dependencies(${exe} frame64_font)
  frame64_host_target(${exe})
  target_compile_definitions(${exe} PRIVATE FRAME64_FONT_PSF_FILE="${FRAME64_FONT_DIR}/font.psf")
  target_link_libraries(${exe} PRIVATE frame64_support${variant} ${CMOCKA_LIBRARY})
  add_test(NAME unit${variant}.font COMMAND ${exe})
  set_tests_properties(unit${variant}.font PROPERTIES LABELS "unit;quick" TIMEOUT 300)
endforeach()
