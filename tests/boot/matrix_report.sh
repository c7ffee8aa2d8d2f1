#!/usr/bin/env bash
# SPDX-License-Identifier: 0BSD
# Prints the boot matrix table from the .result files boot_test.sh leaves in the given folder,
# in matrix.txt's order (configurations without a result, e.g. not selected, are left out).
#   matrix_report.sh [DIR (build/boot-tests)] [MATRIX (tests/boot/matrix.txt)]
#   matrix_report.sh --count [MATRIX]   how many lines the matrix has in each set
count() { # matrix
    awk '!/^[ \t]*#/ && NF >= 2 { n[$2]++; all++ }
         END { printf "%d boot configurations: %d quick, %d full\n", all, n["quick"], n["full"] }' "$1"
}
if [ "${1:-}" = --count ]; then
    count "${2:-$(dirname "$0")/matrix.txt}"
    exit
fi
dir=${1:-build/boot-tests}
matrix=${2:-$(dirname "$0")/matrix.txt}
ls "$dir"/*.result >/dev/null 2>&1 || exit 0

# Configuration names with their set, in the matrix's order; then any result not in the matrix.
order=$(awk '!/^[ \t]*#/ && NF >= 2 { print $1 "\t" $2 }' "$matrix" 2>/dev/null)
for f in "$dir"/*.result; do
    n=$(basename "$f" .result)
    grep -q "^$n	" <<<"$order" || order+=$'\n'"$n	-"
done

echo
echo "Boot matrix ($dir; $(count "$matrix")):"
printf '  %-28s %-5s %-6s %5s  %-50s %s\n' configuration set result secs setup detail
pass=0 fail=0 skip=0 total=0
while IFS=$'\t' read -r name set; do
    [ -n "$name" ] && [ -f "$dir/$name.result" ] || continue
    IFS=$'\t' read -r _ result secs detail setup < "$dir/$name.result"
    printf '  %-28s %-5s %-6s %5s  %-50s %s\n' "$name" "$set" "$result" "$secs" "$setup" "${detail:0:90}"
    case $result in PASS) pass=$((pass + 1)) ;; SKIP) skip=$((skip + 1)) ;; *) fail=$((fail + 1)) ;; esac
    total=$((total + secs))
done <<<"$order"
echo "  $pass passed, $fail failed, $skip skipped; ${total} s of boot time in all"
