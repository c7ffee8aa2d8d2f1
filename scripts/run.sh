#!/usr/bin/env bash
# SPDX-License-Identifier: 0BSD
# Installs what is missing, builds frame64 and boots its image in QEMU with COM1 on this terminal.
#   scripts/run.sh [--uefi] [--tcg] [--gdb] [-- extra QEMU arguments]
# --uefi boots through OVMF instead of SeaBIOS; --tcg forces software emulation (KVM is used
# when /dev/kvm is usable); --gdb starts QEMU halted with its gdb server on 127.0.0.1:1234 and
# prints the command that attaches (scripts/frame64.gdb). Quit QEMU with Ctrl-A X.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
source "$top/scripts/lib.sh"

uefi=0 gdb=0 extra=()
while [ $# -gt 0 ]; do
    case $1 in
    --uefi) uefi=1; shift ;;
    --tcg) export FRAME64_ACCEL=tcg; shift ;;
    --gdb) gdb=1; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
done

frame64_install_deps
frame64_build "$top" >/dev/null

accel=$(frame64_accel)
args=(-M q35 -accel "$accel" -cpu qemu64 -m 256M -cdrom "$top/build/frame64.iso"
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
echo "Booting build/frame64.iso ($accel$([ "$uefi" = 1 ] && echo ", UEFI")); quit with Ctrl-A X."
status=0
qemu-system-x86_64 "${args[@]}" "${extra[@]}" || status=$?
# isa-debug-exit: 1 means the kernel reported success (e.g. after ktest), 3 a failure.
[ "$status" = 0 ] || [ "$status" = 1 ] || exit "$status"
