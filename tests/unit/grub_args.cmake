# SPDX-License-Identifier: 0BSD
# Module command lines as GRUB writes them, read back into their arguments (src/lib/grub_args.c).
frame64_unit_test(grub_args SOURCES ${PROJECT_SOURCE_DIR}/src/lib/grub_args.c)
