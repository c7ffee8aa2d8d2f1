# SPDX-License-Identifier: 0BSD
# The page-frame manager against a model of all its free frames (the fuzzer's cmocka twin).
frame64_unit_test(frame_model SOURCES ${PROJECT_SOURCE_DIR}/tests/support/frame_model.c
                                      ${FRAME64_FRAME_SOURCES})
