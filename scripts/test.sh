#!/usr/bin/env bash
# SPDX-License-Identifier: 0BSD
# Installs what is missing, builds everything and runs the tests through CTest.
#   scripts/test.sh          the quick set (ctest -L quick): host unit tests plain and under
#                            ASan+UBSan, fuzzers for a bounded time, coverage.mm, lint.cppcheck,
#                            and the quick boot tests, which cover every matrix axis
#   scripts/test.sh --full   everything, including the whole boot matrix (tests/boot/matrix.txt)
# Extra arguments after -- go to ctest (e.g. -- -R region). Prints the boot matrix table at the end.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
source "$top/scripts/lib.sh"

full=0 extra=()
while [ $# -gt 0 ]; do
    case $1 in
    --full) full=1; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "test.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
done

start=$(date +%s)
frame64_install_deps
frame64_build "$top"
rm -rf "$top/build/boot-tests"
cd "$top/build"
labels=(-L quick)
[ "$full" = 1 ] && labels=()
set +e
ctest --output-on-failure -j"$(nproc)" "${labels[@]}" "${extra[@]}" 2>&1 | tee ctest.log
status=${PIPESTATUS[0]}
set -e
"$top/tests/boot/matrix_report.sh" "$top/build/boot-tests" "$top/tests/boot/matrix.txt" || true
echo "scripts/test.sh took $(( $(date +%s) - start )) s"
# Repeat CTest's count last, as a plain "N passed, N failed" line (skipped tests count as neither).
summary=$(sed -n -E 's/^[0-9]+% tests passed, ([0-9]+) tests? failed out of ([0-9]+)$/\1 \2/p' ctest.log | tail -1)
skipped=$(grep -c -E '\*\*\*Skipped|Not Run \(Disabled\)' ctest.log || true)
if [ -n "$summary" ]; then
    read -r failed total <<<"$summary"
    echo "tests: $((total - failed - skipped)) passed, $failed failed, $skipped skipped"
fi
exit "$status"
