#!/usr/bin/env bash
# SPDX-License-Identifier: 0BSD
# The initramfs of frame64's image: Debian's busybox-static (the busybox-static package, which
# scripts/lib.sh installs) with a link for each of its applets where busybox --install would put
# them, and the small /init and /etc of initramfs/ in the source tree, as a newc cpio archive
# (GNU cpio) with every file owned by root. The device nodes of /dev come first, in a small
# archive of their own written here (newc headers are text): making them on disk would need root,
# and Linux, booted with the same image for comparison, opens /dev/console for init.
#   scripts/mkinitramfs.sh OUT.cpio [BUSYBOX]
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: mkinitramfs.sh OUT.cpio [BUSYBOX]" >&2; exit 2; }
out=$1
busybox=${2:-/bin/busybox}
top=$(cd "$(dirname "$0")/.." && pwd)
[ -x "$busybox" ] || { echo "mkinitramfs.sh: no $busybox (install Debian's busybox-static)" >&2; exit 1; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,etc,dev,proc,tmp,root}
chmod 1777 "$stage/tmp"
cp "$busybox" "$stage/bin/busybox"
"$busybox" --list-full | while read -r path; do
    [ "$path" = bin/busybox ] || ln -sf /bin/busybox "$stage/$path"
done
cp -R "$top/initramfs/." "$stage/"
# One newc entry without data: name, mode (octal), device major and minor, time.
entry() {
    local name=$1 mode=$2 major=$3 minor=$4 now=$5 len=$((${#1} + 1))
    printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%s\0' \
        "$((ino++))" "$((8#$mode))" 0 0 1 "$now" 0 0 0 "$major" "$minor" "$len" 0 "$name"
    local pad=$(( (4 - (110 + len) % 4) % 4 ))
    [ "$pad" -eq 0 ] || head -c "$pad" /dev/zero
}
ino=1000000
now=$(stat -c %Y "$stage/dev") # the dev entry of the main archive has the same time
{
    entry dev 040755 0 0 "$now"
    entry dev/console 020600 5 1 "$now"
    entry dev/tty 020666 5 0 "$now"
    entry dev/null 020666 1 3 "$now"
    entry dev/zero 020666 1 5 "$now"
    entry dev/urandom 020666 1 9 "$now"
    (cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet)
} >"$out.tmp"
mv "$out.tmp" "$out"
