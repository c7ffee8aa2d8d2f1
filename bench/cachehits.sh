#!/usr/bin/env bash
# SPDX-License-Identifier: 0BSD
# The per-CPU frame caches' hit rate under the fork test: boots frame64 under QEMU (TCG) with
# tests/programs/forks as a module, types the monitor's "caches" on COM1, starts
# "forks cow N" from the monitor, waits for its end line and types "caches" again. The table is
# the difference: the fork test's own frame_alloc() and frame_free() calls on each CPU, how many
# took the pool's lock, and the part each cache served alone.
#   bench/cachehits.sh [BUILD_DIR] [--smp N] [--forks N]   (default: build, 4 CPUs, 1000 forks)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$here/build smp=4 forks=1000
while [ $# -gt 0 ]; do
    case $1 in
    --smp) smp=$2; shift 2 ;;
    --forks) forks=$2; shift 2 ;;
    *) build=$(cd "$1" && pwd); shift ;;
    esac
done
prog=$build/tests/programs/forks
[ -x "$prog" ] && [ -r "$build/frame64.elf" ] || { echo "cachehits.sh: build $build first (cmake --build)" >&2; exit 2; }
work=$(mktemp -d)
qpid=""
trap '[ -n "$qpid" ] && kill $qpid 2>/dev/null; rm -rf "$work"' EXIT

# The module's own boot run is a short one; the measured run is typed at the monitor.
"$here/scripts/mkiso.sh" "$build/frame64.elf" "$work/f.iso" --timeout 0 --cmdline none \
    --module "$prog" "exec forks wait 10" >/dev/null
mkfifo "$work/com1.in" "$work/com1.out"
exec 8<>"$work/com1.in" 9<>"$work/com1.out"
cat <&9 >"$work/log" &
accel=tcg
[ "$smp" -gt 1 ] && accel="tcg,thread=multi"
qemu-system-x86_64 -M pc -accel "$accel" -cpu max -smp "$smp" -m 512M -display none -no-reboot \
    -monitor none -serial "pipe:$work/com1" -cdrom "$work/f.iso" 2>"$work/qemu.err" &
qpid=$!

# until RE SECONDS: waits for a line matching RE in the log after byte $mark.
mark=0
until_line() {
    local t=0
    while ! tail -c +$((mark + 1)) "$work/log" | tr -d '\r' | grep -qaE "$1"; do
        kill -0 $qpid 2>/dev/null || { echo "cachehits.sh: QEMU ended; log in $work/log" >&2; exit 1; }
        [ $t -ge $(($2 * 5)) ] && { echo "cachehits.sh: no /$1/ within $2 s" >&2; tail -5 "$work/log" >&2; exit 1; }
        sleep 0.2; t=$((t + 1))
    done
}
# caches_now FILE: types "caches" and keeps its per-CPU rows (CPU allocs locked frees locked).
caches_now() {
    mark=$(stat -c %s "$work/log")
    printf 'caches\r' >&8
    until_line '^  all ' 60
    tail -c +$((mark + 1)) "$work/log" | tr -d '\r' |
        awk '$1 ~ /^[0-9]+$/ && NF == 8 { print $1, $2, $3, $5, $6 }' >"$1"
}

until_line '^frame64> ' 300
caches_now "$work/before"
mark=$(stat -c %s "$work/log")
printf 'exec forks cow %s\r' "$forks" >&8
until_line '^exec forks: exit status' 1200
tail -c +$((mark + 1)) "$work/log" | tr -d '\r' | grep -q '^exec forks: exit status 0$' ||
    { echo "cachehits.sh: forks cow did not end with status 0" >&2; exit 1; }
caches_now "$work/after"

echo "frame caches under \"forks cow $forks\", $smp CPU(s), QEMU TCG -cpu max, 512 MiB"
printf '%4s %11s %9s %8s %11s %9s %8s\n' CPU allocs locked hits frees locked hits
join "$work/before" "$work/after" | awk '
    function rate(n, l) { return n ? sprintf("%.2f%%", 100 * (n - l) / n) : "-" }
    { a = $6 - $2; al = $7 - $3; f = $8 - $4; fl = $9 - $5
      printf "%4s %11d %9d %8s %11d %9d %8s\n", $1, a, al, rate(a, al), f, fl, rate(f, fl)
      A += a; AL += al; F += f; FL += fl }
    END { printf "%4s %11d %9d %8s %11d %9d %8s\n", "all", A, AL, rate(A, AL), F, FL, rate(F, FL) }'
