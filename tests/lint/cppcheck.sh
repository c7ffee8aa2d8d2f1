#!/usr/bin/env bash
# SPDX-License-Identifier: 0BSD
# lint.cppcheck: cppcheck over src/ (kernel and shared C), failing on any finding that
# cppcheck-suppressions.txt does not explain.
#   cppcheck.sh SOURCE_ROOT [cppcheck]
set -uo pipefail
root=$1 cppcheck=${2:-cppcheck}
here=$(cd "$(dirname "$0")" && pwd)
cd "$root" || exit 2
# warning/style/performance/portability: real defects and dubious code; "information" would only
# report system headers the freestanding build does not use. unix64 matches the kernel's LP64.
# FRAME64_DEBUG is the one configuration macro (Debug kernels): check with and without it.
"$cppcheck" --enable=warning,style,performance,portability --std=c11 --platform=unix64 \
    --inline-suppr --suppressions-list="$here/cppcheck-suppressions.txt" \
    --error-exitcode=1 --quiet --max-configs=4 \
    --template='{file}:{line}:{column}: {severity}: {message} [{id}]' \
    -Iinclude -Isrc/arch/x86_64/include src
status=$?
[ "$status" = 0 ] && echo "cppcheck: no findings in src/ ($(find src -name '*.c' | wc -l) files)"
exit "$status"
