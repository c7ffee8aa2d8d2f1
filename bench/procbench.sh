#!/usr/bin/env bash
# SPDX-License-Identifier: 0BSD
# What processes cost, frame64 against Debian's Linux, both under the same QEMU (TCG, the same CPU
# model, CPU count and memory): tests/programs/procbench.c runs as a module on frame64 and as
# /init of an initramfs on Linux (linux-image-amd64, installed here with apt when missing).
#   bench/procbench.sh [BUILD_DIR] [--smp N]      (BUILD_DIR: default build, already built)
# Prints one table: each measurement's median on each kernel, and frame64's time over Linux's.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$here/build smp=1
while [ $# -gt 0 ]; do
    case $1 in
    --smp) smp=$2; shift 2 ;;
    *) build=$(cd "$1" && pwd); shift ;;
    esac
done
prog=$build/tests/programs/procbench
[ -x "$prog" ] && [ -r "$build/frame64.elf" ] || { echo "procbench.sh: build $build first (cmake --build)" >&2; exit 2; }
if ! ls /boot/vmlinuz-* >/dev/null 2>&1; then
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends linux-image-amd64
fi
vmlinuz=$(ls /boot/vmlinuz-* | sort -V | tail -1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
qemu=(qemu-system-x86_64 -M pc -accel tcg -cpu max -smp "$smp" -m 512M -display none -no-reboot
      -monitor none)

# Runs QEMU with the given arguments until the last procbench line shows (or 20 minutes pass).
run() {
    local log=$1; shift
    "${qemu[@]}" -serial "file:$log" "$@" &
    local pid=$! t=0
    while ! grep -q "procbench: yield" "$log" 2>/dev/null && [ $t -lt 1200 ] && kill -0 $pid 2>/dev/null; do
        sleep 1; t=$((t + 1))
    done
    kill $pid 2>/dev/null || true
    wait $pid 2>/dev/null || true
}

"$here/scripts/mkiso.sh" "$build/frame64.elf" "$work/f.iso" --cmdline none \
    --module "$prog" "exec procbench" >/dev/null
run "$work/frame64.log" -cdrom "$work/f.iso"

# A newc cpio with /init and /dev/console, written here (no cpio tool needed).
python3 - "$prog" "$work/initrd" <<'PY'
import sys
prog, out = sys.argv[1], sys.argv[2]
data = open(prog, 'rb').read()
def entry(name, mode, body=b'', rdev=(0, 0), ino=[1]):
    ino[0] += 1
    name = name.encode() + b'\0'
    h = b'070701' + b''.join(b'%08X' % v for v in (
        ino[0], mode, 0, 0, 1, 0, len(body), 0, 0, rdev[0], rdev[1], len(name), 0))
    b = h + name
    b += b'\0' * (-len(b) % 4) + body
    return b + b'\0' * (-len(b) % 4)
blob = entry('dev', 0o40755) + entry('dev/console', 0o20600, rdev=(5, 1)) + \
       entry('init', 0o100755, data) + entry('TRAILER!!!', 0)
open(out, 'wb').write(blob + b'\0' * (-len(blob) % 512))
PY
run "$work/linux.log" -kernel "$vmlinuz" -initrd "$work/initrd" -append "console=ttyS0 quiet panic=-1"

tr -d '\r' <"$work/frame64.log" | grep '^procbench: ' | grep -v medians >"$work/f" || true
tr -d '\r' <"$work/linux.log" | grep '^procbench: ' | grep -v medians >"$work/l" || true
echo "procbench, $smp CPU(s), QEMU TCG -cpu max, 512 MiB: medians of 7 runs, microseconds"
printf '%-28s %12s %12s %8s\n' measurement frame64 "Linux $(basename "$vmlinuz" | sed 's/vmlinuz-//')" ratio
paste -d'|' "$work/f" "$work/l" | while IFS='|' read -r f l; do
    name=$(sed -E 's/^procbench: (.*[^ ]) +[0-9.]+$/\1/' <<<"$f")
    fv=$(awk '{print $NF}' <<<"$f"); lv=$(awk '{print $NF}' <<<"$l")
    printf '%-28s %12s %12s %7sx\n' "$name" "$fv" "${lv:--}" \
        "$(awk -v a="$fv" -v b="$lv" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')"
done
