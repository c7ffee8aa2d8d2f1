# SPDX-License-Identifier: 0BSD
# The initramfs's cpio reader: arbitrary archives, and archives written from a list that must
# come back as written.
frame64_fuzz_test(cpio SECONDS 10 SOURCES ${PROJECT_SOURCE_DIR}/src/fs/cpio.c)
