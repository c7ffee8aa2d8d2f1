#!/usr/bin/env bash
# SPDX-License-Identifier: 0BSD
# Regenerates the README's screenshots (docs/screenshots/*.png) from the real image: boots it in
# QEMU, types into the monitor over COM1 and saves the screen with QEMU's screendump.
#   scripts/screenshots.sh [OUTDIR]     (default docs/screenshots)
#   bios-text.png    SeaBIOS, VGA text mode: the boot log's end, the monitor, `frames` and `map`
#   uefi-boot.png    OVMF, the framebuffer console: the boot log and the monitor's prompt
#   uefi-map.png     OVMF: `map`, the picture of physical memory
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
source "$top/scripts/lib.sh"
outdir=${1:-$top/docs/screenshots}
mkdir -p "$outdir"
frame64_install_deps
frame64_build "$top" >/dev/null
work=$(mktemp -d)
qemu_pid="" readers=""
cleanup() {
    [ -z "$qemu_pid" ] || kill "$qemu_pid" 2>/dev/null || true
    [ -z "$readers" ] || kill $readers 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
"$top/scripts/mkiso.sh" "$top/build/frame64.elf" "$work/frame64.iso" --timeout 0

# boot NAME FIRMWARE: starts QEMU with COM1 and its monitor on FIFOs in $work.
boot() {
    local name=$1 fw=$2 args=()
    mkfifo "$work/$name.com1.in" "$work/$name.com1.out" "$work/$name.mon.in" "$work/$name.mon.out"
    exec 5<>"$work/$name.com1.in" 6<>"$work/$name.com1.out" 7<>"$work/$name.mon.in" 8<>"$work/$name.mon.out"
    cat <&6 > "$work/$name.log" 2>/dev/null &
    readers="$!"
    cat <&8 > /dev/null 2>&1 &
    readers+=" $!"
    if [ "$fw" = uefi ]; then
        cp "$FRAME64_OVMF_VARS" "$work/vars.fd"
        args+=(-drive "if=pflash,format=raw,readonly=on,file=$FRAME64_OVMF_CODE"
               -drive "if=pflash,format=raw,file=$work/vars.fd")
    fi
    qemu-system-x86_64 -M q35 -accel "$(frame64_accel)" -cpu qemu64 -m 512M -display none \
        -no-reboot -cdrom "$work/frame64.iso" -serial "pipe:$work/$name.com1" \
        -monitor "pipe:$work/$name.mon" "${args[@]}" &
    qemu_pid=$!
    wait_for_prompt "$name" 0
}

# wait_for_prompt NAME COUNT: until COM1 has shown the prompt more than COUNT times.
wait_for_prompt() {
    local i
    for i in $(seq 600); do
        [ "$(grep -ac 'frame64> ' "$work/$1.log" 2>/dev/null)" -gt "$2" ] && { sleep 1; return 0; }
        sleep 0.2
    done
    echo "screenshots.sh: the monitor did not answer ($1)" >&2
    exit 1
}

# type NAME LINE: one monitor command on COM1, then wait for the next prompt.
type_line() {
    local n
    n=$(grep -ac 'frame64> ' "$work/$1.log")
    printf '%s\r' "$2" >&5
    wait_for_prompt "$1" "$n"
}

shot() { # FILE: PNG screendump, waited for until written
    rm -f "$1"
    echo "screendump $1 -f png" >&7
    for _ in $(seq 50); do [ -s "$1" ] && sleep 0.3 && return 0; sleep 0.1; done
    echo "screenshots.sh: no screendump $1" >&2
    exit 1
}

stop() {
    echo "quit" >&7
    wait "$qemu_pid" 2>/dev/null || true
    qemu_pid=""
    kill $readers 2>/dev/null || true
    wait $readers 2>/dev/null || true
    readers=""
    exec 5>&- 6>&- 7>&- 8>&-
}

boot bios bios
type_line bios frames
type_line bios map
shot "$outdir/bios-text.png"
stop

boot uefi uefi
shot "$outdir/uefi-boot.png"
type_line uefi map
shot "$outdir/uefi-map.png"
stop
echo "screenshots.sh: wrote $(ls "$outdir"/*.png | wc -l) PNGs to $outdir"
