# SPDX-License-Identifier: 0BSD
# The newc cpio reader of the initramfs (src/fs/cpio.c).
frame64_unit_test(cpio SOURCES ${PROJECT_SOURCE_DIR}/src/fs/cpio.c)
