# SPDX-License-Identifier: 0BSD
# The in-memory file system and path lookup (src/fs/ramfs.c, ramfs_data.c, path.c).
frame64_unit_test(ramfs SOURCES ${PROJECT_SOURCE_DIR}/src/fs/ramfs.c
  ${PROJECT_SOURCE_DIR}/src/fs/ramfs_data.c ${PROJECT_SOURCE_DIR}/src/fs/path.c)
