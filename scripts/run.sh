#!/usr/bin/env bash
# SPDX-License-Identifier: 0BSD
# Installs what is missing, builds the kernel and boots its image in QEMU with COM1 on this terminal.
#   scripts/run.sh [--uefi] [--tcg] [--gdb] [--release] [-- extra QEMU arguments]
# --uefi boots through OVMF instead of SeaBIOS; --tcg forces software emulation (KVM is used
# when /dev/kvm is usable); --gdb starts QEMU halted with its gdb server on 127.0.0.1:1234 and
# prints the command that attaches (scripts/frame64.gdb); --release boots a Release kernel (no
# allocator debug checks) built in build-release/. Only the kernel and its ISO are built, not the
# test suite (scripts/test.sh). Quit QEMU with Ctrl-A X.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
source "$top/scripts/lib.sh"

uefi=0 gdb=0 kernel_type=Debug dir=$top/build extra=()
while [ $# -gt 0 ]; do
    case $1 in
    --uefi) uefi=1; shift ;;
    --tcg) export FRAME64_ACCEL=tcg; shift ;;
    --gdb) gdb=1; shift ;;
    --release) kernel_type=Release dir=$top/build-release; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '3,9p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
done

frame64_install_deps
frame64_build_kernel "$top" "$dir" "$kernel_type"

accel=$(frame64_accel)
args=(-M q35 -accel "$accel" -cpu qemu64 -m 256M -cdrom "$dir/frame64.iso"
      -device isa-debug-exit,iobase=0xf4,iosize=0x04 -no-reboot)
if [ "$uefi" = 1 ]; then
    vars=$(mktemp)
    trap 'rm -f "$vars"' EXIT
    cp "$FRAME64_OVMF_VARS" "$vars"
    args+=(-drive "if=pflash,format=raw,readonly=on,file=$FRAME64_OVMF_CODE"
           -drive "if=pflash,format=raw,file=$vars")
fi
if [ -n "${DISPLAY:-}" ]; then
    args+=(-serial mon:stdio)
else
    args+=(-nographic)
fi
if [ "$gdb" = 1 ]; then
    # Halted before the firmware's first instruction; only this machine can connect.
    args+=(-gdb tcp:127.0.0.1:1234 -S)
    echo "QEMU waits for gdb. In another terminal, from $top:"
    echo "    gdb -q -x scripts/frame64.gdb"
fi
echo "run.sh: booting ${dir#$top/}/frame64.iso ($kernel_type kernel, $accel$([ "$uefi" = 1 ] && echo ", UEFI")); quit with Ctrl-A X."
if [ "$uefi" = 1 ]; then
    echo "run.sh: OVMF starts first and prints nothing here for a while (a minute or more under"
    echo "        tcg) before GRUB and the kernel appear"
fi
status=0
qemu-system-x86_64 "${args[@]}" "${extra[@]}" || status=$?
# isa-debug-exit: 1 means the kernel reported success (e.g. after ktest), 3 a failure.
[ "$status" = 0 ] || [ "$status" = 1 ] || exit "$status"
