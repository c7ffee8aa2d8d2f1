# SPDX-License-Identifier: 0BSD
# The monitor's line editor (src/console/lineedit.c), fed serial bytes and keyboard events.
frame64_unit_test(lineedit SOURCES ${PROJECT_SOURCE_DIR}/src/console/lineedit.c)
