# SPDX-License-Identifier: 0BSD
# The host tool's PSF1/PSF2 reader (tools/psf.c), on fonts built byte by byte.
frame64_unit_test(psf SOURCES ${PROJECT_SOURCE_DIR}/tools/psf.c)
