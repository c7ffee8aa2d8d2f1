#!/usr/bin/env bash
# SPDX-License-Identifier: 0BSD
# The initramfs of frame64's image: Debian's busybox-static (the busybox-static package, which
# scripts/lib.sh installs) with a link for each of its applets where busybox --install would put
# them, and the small /init and /etc of initramfs/ in the source tree, as a newc cpio archive
# (GNU cpio) with every file owned by root.
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
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$out.tmp"
mv "$out.tmp" "$out"
