# SPDX-License-Identifier: 0BSD
# Monitor line parsing, command lookup and help (src/monitor/dispatch.c over src/lib/args.c), and
# the `run` command's arguments (src/monitor/run_args.c).
frame64_unit_test(monitor SOURCES ${PROJECT_SOURCE_DIR}/src/monitor/dispatch.c
                  ${PROJECT_SOURCE_DIR}/src/monitor/run_args.c ${PROJECT_SOURCE_DIR}/src/lib/args.c)
