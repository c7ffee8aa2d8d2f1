#!/usr/bin/env bash
# SPDX-License-Identifier: 0BSD
# Runs instrumented unit tests, merges their profiles and checks the line coverage of each named
# source file (CTest: coverage.mm, registered by tests/coverage/CMakeLists.txt).
#   coverage.sh --out DIR --min PERCENT --root SRCDIR --profdata llvm-profdata --cov llvm-cov \
#               --files a.c,b.c,... TEST-EXECUTABLE...
# Prints the per-file table (lines, missed, percent) and fails when a file is below PERCENT or a
# test fails. An HTML report of the merged profile is left in DIR/html for finding missed lines.
set -uo pipefail
out="" min=90 root="" profdata=llvm-profdata cov=llvm-cov files=""
while [ $# -gt 0 ]; do
    case $1 in
    --out) out=$2; shift 2 ;;
    --min) min=$2; shift 2 ;;
    --root) root=$2; shift 2 ;;
    --profdata) profdata=$2; shift 2 ;;
    --cov) cov=$2; shift 2 ;;
    --files) files=$2; shift 2 ;;
    --) shift; break ;;
    -*) echo "coverage.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
done
[ -n "$out" ] && [ -n "$root" ] && [ -n "$files" ] && [ $# -gt 0 ] || { echo "coverage.sh: need --out, --root, --files and test executables" >&2; exit 2; }
rm -rf "$out"
mkdir -p "$out"

status=0
for exe in "$@"; do
    base=$(basename "$exe")
    if ! LLVM_PROFILE_FILE="$out/$base-%p.profraw" "$exe" > "$out/$base.log" 2>&1; then
        echo "coverage.sh: $base failed (its output: $out/$base.log)"
        tail -20 "$out/$base.log"
        status=1
    fi
done
"$profdata" merge -sparse "$out"/*.profraw -o "$out/merged.profdata" || { echo "coverage.sh: llvm-profdata merge failed"; exit 1; }

objects=()
for exe in "$@"; do objects+=(-object "$exe"); done
IFS=, read -r -a want <<<"$files"
paths=()
for f in "${want[@]}"; do paths+=("$root/$f"); done
"$cov" report -instr-profile "$out/merged.profdata" "${objects[@]:1}" "${paths[@]}" > "$out/report.txt" 2>&1 ||
    { cat "$out/report.txt"; echo "coverage.sh: llvm-cov report failed"; exit 1; }
"$cov" show -format=html -output-dir="$out/html" -instr-profile "$out/merged.profdata" \
    "${objects[@]:1}" "${paths[@]}" >/dev/null 2>&1 || true

# Rows of llvm-cov's report: file, regions, missed, cover, functions, missed, executed, lines,
# missed lines, cover, ... Files that no test links do not appear at all: that is 0%.
printf '\nLine coverage (minimum %s%% per file):\n' "$min"
printf '  %-28s %7s %7s %8s\n' file lines missed cover
for f in "${want[@]}"; do
    # llvm-cov prints names without the prefix all files share: match on a whole-name suffix.
    row=$(awk -v g="/$f" 'NR > 2 && length($1) < length(g) && substr(g, length(g) - length($1)) == "/" $1 { print; exit }' "$out/report.txt")
    if [ -z "$row" ]; then
        printf '  %-28s %7s %7s %8s  FAIL (no unit test covers it)\n' "$f" - - 0%
        status=1
        continue
    fi
    read -r _ _ _ _ _ _ _ lines missed _ <<<"$row"
    pct=$(awk -v l="$lines" -v m="$missed" 'BEGIN { printf "%.2f", l ? 100 * (l - m) / l : 100 }')
    verdict=ok
    awk -v p="$pct" -v min="$min" 'BEGIN { exit !(p + 0 >= min + 0) }' || { verdict="FAIL (below $min%)"; status=1; }
    printf '  %-28s %7s %7s %7s%%  %s\n' "$f" "$lines" "$missed" "$pct" "$verdict"
done
echo "  (report: $out/report.txt, annotated sources: $out/html/index.html)"
exit "$status"
