#!/usr/bin/env bash
# SPDX-License-Identifier: 0BSD
# 2 MiB pages for user memory against 4 KiB ones (issue 20 part 3): tests/programs/thp touches
# 1 GiB of anonymous memory advised MADV_HUGEPAGE, then MADV_NOHUGEPAGE, alternately, as "exec"
# modules of one frame64 boot under QEMU TCG (-m 2G), and counts its page faults with the kernel's
# own counter (getrusage's ru_minflt: every fault from ring 3 the kernel resolved).
#   bench/thpbench.sh [BUILD_DIR] [--runs N] [--mib M] [--cmdline WORDS]
#   (BUILD_DIR: default build, already built; WORDS: the kernel's command line, e.g. thp=never)
# Prints one table: faults per GiB, the leaves (TLB entries) that map the GiB, and the time.
# TLB misses themselves cannot be counted: TCG has no PMU, and its software TLB is not the
# hardware's. Each resolved fault maps exactly one leaf, so leaves = faults, and a leaf is what
# one TLB entry holds: the TLB reach is 512 times larger with 2 MiB leaves.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$here/build runs=5 mib=1024 cmdline=none
while [ $# -gt 0 ]; do
    case $1 in
    --runs) runs=$2; shift 2 ;;
    --mib) mib=$2; shift 2 ;;
    --cmdline) cmdline=$2; shift 2 ;;
    *) build=$(cd "$1" && pwd); shift ;;
    esac
done
prog=$build/tests/programs/thp
[ -x "$prog" ] && [ -r "$build/frame64.elf" ] || { echo "thpbench.sh: build $build first (cmake --build)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

modules=()
for _ in $(seq "$runs"); do
    modules+=(--module "$prog" "exec thp bench $mib huge" --module "$prog" "exec thp bench $mib small")
done
"$here/scripts/mkiso.sh" "$build/frame64.elf" "$work/f.iso" --cmdline "$cmdline" "${modules[@]}" >/dev/null

log=$work/frame64.log
qemu-system-x86_64 -M pc -accel tcg -cpu max -smp 1 -m 2G -display none -no-reboot -monitor none \
    -serial "file:$log" -cdrom "$work/f.iso" &
pid=$! t=0
while ! grep -aq '^exec: [0-9]* programs' "$log" 2>/dev/null && [ $t -lt 1800 ] &&
    kill -0 $pid 2>/dev/null; do
    sleep 1; t=$((t + 1))
done
kill $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
tr -d '\r' <"$log" | grep -E '^thp: bench|^exec: [0-9]+ programs' >"$work/lines" || true
grep -q '^exec: ' "$work/lines" || { echo "thpbench.sh: the boot did not finish; the log:" >&2; tail -20 "$log" >&2; exit 1; }

echo "thp bench: $mib MiB touched once per 4 KiB page, then again; QEMU TCG -cpu max, 1 CPU, 2 GiB; $runs runs each; command line: $cmdline"
printf '%-24s %10s %12s %18s %18s\n' advice faults "leaves/GiB" "touch ms min/med" "again ms min/med"
for mode in huge small; do
    grep "^thp: bench $mode " "$work/lines" |
        sed -E 's/.*: ([0-9]+) faults, ([0-9.]+) ms; again: ([0-9]+) faults, ([0-9.]+) ms/\1 \2 \4/' |
        awk -v mode="$mode" -v mib="$mib" '
        function med(a, n,   i, j, t) {
            for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
            return a[int((n + 1) / 2)]
        }
        { f = $1; t[NR] = $2; u[NR] = $3 }
        END {
            if (NR == 0) { printf "%-24s %10s\n", mode, "no result"; exit }
            name = mode == "huge" ? "MADV_HUGEPAGE (2 MiB)" : "MADV_NOHUGEPAGE (4 KiB)"
            mt = med(t, NR); mu = med(u, NR)
            printf "%-24s %10d %12.0f %8.0f/%-9.0f %8.0f/%-9.0f\n", name, f, f * 1024 / mib,
                   t[1], mt, u[1], mu
        }'
done
echo "each run, in boot order:"
grep '^thp: bench' "$work/lines" | sed 's/^/  /'
grep '^exec: ' "$work/lines"
