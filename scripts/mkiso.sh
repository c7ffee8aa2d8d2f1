#!/usr/bin/env bash
# SPDX-License-Identifier: 0BSD
# Builds a hybrid BIOS+UEFI, CD+USB GRUB image around a frame64 kernel.
#   scripts/mkiso.sh KERNEL.elf OUT.iso [--cmdline "words"] [--timeout N] [--module FILE "cmdline"]...
#                    [--cutmem N STEP] [--gfxpayload MODE] [--no-video]
# The first menu entry boots KERNEL with the given command line (default: empty).
# --gfxpayload MODE: the gfxpayload the entries set after multiboot2 under BIOS (default "text"),
# e.g. 1024x768x24; GRUB keeps VGA text there all the same, since the kernel's header asks for no
# framebuffer. UEFI boots always get a graphics mode (1024x768x32 where the firmware has it).
# "header": the entries set no gfxpayload at all, as a plain menu of one's own would not, so GRUB
# does what the header alone implies, under BIOS and UEFI alike.
# --no-video: the menu loads no video module (no "insmod all_video"), as a menu of one's own may
# not; under UEFI GRUB then finds no graphics mode to set and the kernel gets no framebuffer.
# --cutmem N STEP: both entries first run N GRUB "cutmem" commands, hole i being the 4 KiB at
# 16 MiB + i * STEP (STEP like 64K or 2M, at least 8K), so the kernel gets a memory map with one
# (BIOS) or two (UEFI) more entries per hole. The holes must lie in RAM the firmware calls
# available; the caller knows the machine and checks that (tests/boot/boot_test.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
kernel=$1 out=$2
shift 2
cmdline="" timeout=1 modules="" cutmem="" gfx=text video="insmod all_video"
work=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$work" "$log"' EXIT
mkdir -p "$work/boot/grub" "$work/boot/modules"

# Prints a size such as 8K, 64K or 2M in KiB.
kib() {
    case $1 in
    [0-9]*[Kk]) echo "${1%[Kk]}" ;;
    [0-9]*[Mm]) echo $(( ${1%[Mm]} * 1024 )) ;;
    *) echo "mkiso.sh: --cutmem STEP must be like 64K or 2M, not $1" >&2; exit 2 ;;
    esac
}

# GRUB's cutmem takes FROM TO with an optional K/M/G/T suffix; i386-pc GRUB reads the number as a
# 32-bit unsigned long, so the addresses are written in KiB (bytes would overflow past 4 GiB).
cutmem_lines() { # count, step in KiB
    awk -v n="$1" -v step="$2" 'BEGIN {
        for (i = 0; i < n; i++) {
            from = 16384 + i * step
            printf "    cutmem %dK %dK\n", from, from + 4
        }
    }'
}

n=0
while [ $# -gt 0 ]; do
    case $1 in
    --cmdline) cmdline=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --gfxpayload)
        [[ "$2" =~ ^(text|auto|keep|header|[0-9]+x[0-9]+(x[0-9]+)?)$ ]] || { echo "mkiso.sh: --gfxpayload takes text, auto, keep, header or WxH[xD], not $2" >&2; exit 2; }
        gfx=$2; shift 2 ;;
    --no-video) video=""; shift ;;
    --module)
        n=$((n + 1))
        cp "$2" "$work/boot/modules/m$n"
        modules+="    module2 /boot/modules/m$n $3"$'\n'
        shift 3 ;;
    --cutmem)
        [[ "$2" =~ ^[0-9]+$ ]] || { echo "mkiso.sh: --cutmem N must be a number, not $2" >&2; exit 2; }
        step=$(kib "$3")
        [ "$step" -ge 8 ] || { echo "mkiso.sh: --cutmem STEP must be at least 8K (a hole is 4K)" >&2; exit 2; }
        cutmem=$(cutmem_lines "$2" "$step")$'\n'
        shift 3 ;;
    *) echo "mkiso.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
cp "$kernel" "$work/boot/frame64.elf"
# Each entry sets gfxpayload again after multiboot2 (iso/grub.cfg says why), unless "header".
setgfx='    set gfxpayload=$frame64_gfx'
[ "$gfx" = header ] && setgfx=""
# The module lines go through the environment: awk -v would undo their backslashes.
MODULES="$modules" awk -v c="$cmdline" -v t="$timeout" -v h="$cutmem" -v g="$gfx" -v v="$video" -v s="$setgfx" '
    BEGIN { m = ENVIRON["MODULES"] }
    { gsub(/@CMDLINE@/, c); gsub(/@TIMEOUT@/, t); gsub(/@GFXPAYLOAD_BIOS@/, g) }
    /^@VIDEO@$/ { if (v != "") print v; next }
    /^@GFXPAYLOAD@$/ { if (s != "") print s; next }
    /^@MODULES@$/ { printf "%s", m; next }
    /^@CUTMEM@$/ { printf "%s", h; next }
    { print }' "$here/iso/grub.cfg" > "$work/boot/grub/grub.cfg"
grub-mkrescue -o "$out" "$work" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
