#!/usr/bin/env bash
# SPDX-License-Identifier: 0BSD
# Builds a hybrid BIOS+UEFI, CD+USB GRUB image around a frame64 kernel.
#   scripts/mkiso.sh KERNEL.elf OUT.iso [--cmdline "words"] [--timeout N] [--module FILE "cmdline"]...
# The first menu entry boots KERNEL with the given command line (default: empty).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
kernel=$1 out=$2
shift 2
cmdline="" timeout=1 modules=""
work=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$work" "$log"' EXIT
mkdir -p "$work/boot/grub" "$work/boot/modules"
n=0
while [ $# -gt 0 ]; do
    case $1 in
    --cmdline) cmdline=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --module)
        n=$((n + 1))
        cp "$2" "$work/boot/modules/m$n"
        modules+="    module2 /boot/modules/m$n $3"$'\n'
        shift 3 ;;
    *) echo "mkiso.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
cp "$kernel" "$work/boot/frame64.elf"
awk -v c="$cmdline" -v t="$timeout" -v m="$modules" '
    { gsub(/@CMDLINE@/, c); gsub(/@TIMEOUT@/, t) }
    /^@MODULES@$/ { printf "%s", m; next }
    { print }' "$here/iso/grub.cfg" > "$work/boot/grub/grub.cfg"
grub-mkrescue -o "$out" "$work" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
