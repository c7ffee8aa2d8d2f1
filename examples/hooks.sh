#!/bin/sh
# SPDX-License-Identifier: 0BSD
# example.hooks: what the unit takes from the kernel it lives in is exactly what the porting layer
# names (include/frame64/frame_port.h), so a new dependency cannot slip in unannounced: the
# symbols the unit's objects in the library leave undefined (the hosted port's own object aside)
# must be the list below, and each hook of it must be named in frame_port.h.
#
#   hooks.sh LIBRARY [NM]    LIBRARY: libframe64_frames.a
set -eu
lib=$1 nm=${2:-nm}
port=$(cd "$(dirname "$0")/.." && pwd)/include/frame64/frame_port.h
# host_cpu is what the hosted arch_cpu_index() reads; __start/__stop_frame_fast the linker's.
expect="__start_frame_fast __stop_frame_fast host_cpu kprintf memcpy memmove memset panic_at
phys_to_virt"
table=$("$nm" -A "$lib" | grep -v 'host_port\.c\.o:')
defined=$(echo "$table" | awk '$(NF-1) ~ /^[TDBRCVW]$/ { print $NF }' | sort -u)
needed=$(echo "$table" | awk '$(NF-1) == "U" { print $NF }' | sort -u |
    grep -vxF "$defined" || true)
want=$(echo $expect | tr ' ' '\n' | sort -u)
if [ "$needed" != "$want" ]; then
    echo "hooks.sh: the unit needs from its kernel:"
    echo "$needed" | sed 's/^/  /'
    echo "but frame_port.h's list (and this script's) is:"
    echo "$want" | sed 's/^/  /'
    exit 1
fi
for h in kprintf memcpy memmove memset panic_at phys_to_virt __start_frame_fast; do
    grep -qw "$h" "$port" || { echo "hooks.sh: $h is not named in $port"; exit 1; }
done
echo "hooks: the unit needs exactly" $expect
