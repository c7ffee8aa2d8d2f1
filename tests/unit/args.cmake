# SPDX-License-Identifier: 0BSD
# Monitor words and numbers (src/lib/args.c; its sentences come from ksnprintf() in the support
# library).
frame64_unit_test(args SOURCES ${PROJECT_SOURCE_DIR}/src/lib/args.c)
