# SPDX-License-Identifier: 0BSD
# The single-producer, single-consumer byte ring (src/lib/ring.c).
frame64_unit_test(ring SOURCES ${PROJECT_SOURCE_DIR}/src/lib/ring.c)
