# SPDX-License-Identifier: 0BSD
# Monitor line parsing and command lookup (src/monitor/dispatch.c over src/lib/args.c).
frame64_unit_test(monitor SOURCES ${PROJECT_SOURCE_DIR}/src/monitor/dispatch.c
                  ${PROJECT_SOURCE_DIR}/src/lib/args.c)
