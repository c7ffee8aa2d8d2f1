#!/usr/bin/env bash
# SPDX-License-Identifier: 0BSD
# frame64 against Debian's own Linux (the linux-image-amd64 package), the same initramfs (Debian's
# busybox), the same QEMU (TCG, 1 CPU, 256 MiB): boots each to its shell prompt and times the
# same shell workload there, then prints one table. Times inside the guest come from busybox's
# `time`; the boot is timed on the host from QEMU's start to the first prompt on COM1.
#   bench/shellbench.sh [BUILD_DIR]     (default build/; needs frame64.elf and initramfs.cpio)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
elf=$build/frame64.elf cpio=$build/initramfs.cpio
linux=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sort -V | tail -1)
[ -r "$elf" ] && [ -r "$cpio" ] && [ -r "$linux" ] || { echo "shellbench: needs $elf, $cpio and a Debian kernel in /boot" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# The workload: each line's wall time (busybox time's "real") is one row of the table.
names=("fork+exec+wait of /bin/true, x200" "100 MB through a pipe (dd | cat)"
       "create and delete 500 files")
work=("time sh -c 'i=0; while [ \$i -lt 200 ]; do /bin/true; i=\$((i+1)); done'"
      "time sh -c 'dd if=/dev/zero bs=65536 count=1600 2>/dev/null | cat >/dev/null'"
      "time sh -c 'i=0; while [ \$i -lt 500 ]; do echo x >/tmp/f\$i; i=\$((i+1)); done; rm /tmp/f*'")

PROMPT='frame64:[^#]*# '
# prompt_after LOG MARK: waits until the prompt follows byte MARK of LOG (120 s at most).
prompt_after() {
    local i
    for i in $(seq 600); do
        tail -c +$(($2 + 1)) "$1" | tr -d '\r' | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' | grep -qE "$PROMPT\$" && return 0
        sleep 0.2
    done
    return 1
}

# run KIND: boots, times, prints "KIND boot_s w1 w2 w3 free_kib".
run() {
    local kind=$1 log=$out/$1.log args start mark i res=()
    mkfifo "$out/$kind.in" "$out/$kind.out"
    args=(-M pc -accel tcg -cpu max -m 256M -display none -no-reboot -monitor none -serial "pipe:$out/$kind")
    if [ "$kind" = frame64 ]; then
        "$top/scripts/mkiso.sh" "$elf" "$out/f.iso" --timeout 0 --cmdline "" --module "$cpio" initramfs >/dev/null
        args+=(-cdrom "$out/f.iso")
    else
        args+=(-kernel "$linux" -initrd "$cpio" -append "console=ttyS0 quiet")
    fi
    start=$(date +%s.%N)
    qemu-system-x86_64 "${args[@]}" >/dev/null 2>&1 &
    local q=$!
    exec 8<>"$out/$kind.in" 9<>"$out/$kind.out"
    cat <&9 >"$log" &
    local c=$!
    prompt_after "$log" 0 || { echo "shellbench: $kind gave no prompt" >&2; kill $q $c; return 1; }
    res+=("$(awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN { print a - b }')")
    for i in "${!work[@]}"; do
        mark=$(stat -c %s "$log")
        printf '%s\r' "${work[$i]}" >&8
        prompt_after "$log" "$mark" || { echo "shellbench: $kind: no prompt after ${names[$i]}" >&2; break; }
        res+=("$(tail -c +$((mark + 1)) "$log" | tr -d '\r' | awk '/^real/ {
            t = $2 $3; m = 0; if (t ~ /m/) { split(t, a, "m"); m = a[1]; t = a[2] } sub(/s$/, "", t); print m * 60 + t }')")
    done
    mark=$(stat -c %s "$log")
    printf 'free\r' >&8
    prompt_after "$log" "$mark"
    res+=("$(tail -c +$((mark + 1)) "$log" | tr -d '\r' | awk '/^Mem:/ {print $4}')")
    kill $q $c 2>/dev/null
    wait $q $c 2>/dev/null
    exec 8>&- 9>&-
    echo "${res[@]}"
}

f=($(run frame64)) || exit 1
l=($(run linux)) || exit 1
printf '%-36s %12s %12s %8s\n' "measurement" "frame64" "Linux 6.1" "ratio"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { print b ? a / b : 0 }'; }
printf '%-36s %12.2f %12.2f %7.2fx\n' "boot to the shell prompt (s)" "${f[0]}" "${l[0]}" "$(ratio "${f[0]}" "${l[0]}")"
for i in "${!names[@]}"; do
    printf '%-36s %12.3f %12.3f %7.2fx\n' "${names[$i]} (s)" "${f[$((i + 1))]}" "${l[$((i + 1))]}" \
        "$(ratio "${f[$((i + 1))]}" "${l[$((i + 1))]}")"
done
printf '%-36s %12s %12s\n' "free memory after boot (KiB, free)" "${f[4]}" "${l[4]}"
