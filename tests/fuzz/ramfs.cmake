# SPDX-License-Identifier: 0BSD
# The in-memory file system against a model of names, links and pages (fuzz_ramfs.c).
frame64_fuzz_test(ramfs SECONDS 10 SOURCES ${PROJECT_SOURCE_DIR}/src/fs/ramfs.c
  ${PROJECT_SOURCE_DIR}/src/fs/ramfs_data.c)
