# SPDX-License-Identifier: 0BSD
# Framebuffer pixels, rectangles and glyphs (src/console/fb.c) in memory buffers with guards.
frame64_unit_test(fb SOURCES ${PROJECT_SOURCE_DIR}/src/console/fb.c)
