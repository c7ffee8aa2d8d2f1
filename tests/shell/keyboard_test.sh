#!/usr/bin/env bash
# SPDX-License-Identifier: 0BSD
# shell.keyboard: boots frame64's image with its initramfs under UEFI (a framebuffer console),
# types a short busybox shell session on the PS/2 keyboard through QEMU's sendkey (echo, ls /,
# seq, a pipe, Ctrl-C of a running cat, exit) and checks each answer twice: on COM1, where the
# terminal writes everything too, and on the framebuffer, where QEMU's screendump must show the
# prompt with the typed command and the answer's lines, row after row, exactly as the kernel's
# renderer draws them (tools/screencmp: every pixel of each row, padded with blanks to the
# screen's width, so a stray character anywhere on the row fails it). After "exit" the kernel must
# say that every frame came back.
#   keyboard_test.sh --elf frame64.elf --initramfs initramfs.cpio --screencmp PATH --out DIR
#                    [--mem SIZE] [--smp N]
# Prints PASS or FAIL and why.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
source "$top/scripts/lib.sh"
source "$top/tests/boot/sendkeys.sh"

elf="" cpio="" out="" screencmp="" mem=256M smp=1
while [ $# -gt 0 ]; do
    case $1 in
    --elf) elf=$2; shift 2 ;;
    --initramfs) cpio=$2; shift 2 ;;
    --screencmp) screencmp=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --mem) mem=$2; shift 2 ;;
    --smp) smp=$2; shift 2 ;;
    *) echo "keyboard_test.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[ -r "$elf" ] && [ -r "$cpio" ] && [ -x "$screencmp" ] && [ -n "$out" ] ||
    { echo "keyboard_test.sh: --elf, --initramfs, --screencmp and --out are needed" >&2; exit 2; }
mkdir -p "$out"
name=keyboard-uefi-smp$smp
log=$out/$name.serial.log
shot=$out/$name.ppm
qpid=""
PROMPT='frame64:/root# '

fail() {
    echo "shell.keyboard: FAIL $*"
    exit 1
}
stop() {
    [ -n "$qpid" ] && kill "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null
    qpid=""
}
trap stop EXIT

# The session: what is typed ("^C" at the end: Enter, a wait, then Ctrl-C), then "@", then the
# answer's lines, separated by "@". COM1 and the screen must both show exactly these.
session=(
    "echo hello@hello"
    "ls /@bin      etc      linuxrc  root     tmp@dev      init     proc     sbin     usr"
    "seq 1 3@1@2@3"
    "echo one two | wc -w@2"
    "cat^C@^C"
    "echo status \$?@status 130"
)

# COM1 after byte MARK, without CRs and terminal escapes.
serial_after() {
    tail -c +$(($1 + 1)) "$log" | tr -d '\r' | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g'
}

# wait_prompt MARK SECS: until COM1 ends with the prompt after byte MARK.
wait_prompt() {
    local deadline=$(( $(date +%s) + $2 ))
    until serial_after "$1" | grep -qE "$PROMPT\$"; do
        [ "$(date +%s)" -ge "$deadline" ] && return 1
        kill -0 "$qpid" 2>/dev/null || return 1
        sleep 0.2
    done
}

# screen_rows LINE...: the screendump shows these lines on consecutive text rows, the first
# wherever it is, each padded with blanks to the screen's width (the last without padding: the
# cursor stands after it).
screen_rows() {
    local width cols row="" i line got
    width=$(head -c 32 "$shot" | tr -s ' \n' ' ' | cut -d' ' -f2)
    [[ $width =~ ^[0-9]+$ ]] || { echo "the screendump is no PPM"; return 1; }
    cols=$((width / 8))
    for ((i = 1; i <= $#; i++)); do
        line=${!i}
        [ "$i" -lt "$#" ] && line=$(printf "%-${cols}s" "$line")
        got=$("$screencmp" "$shot" "$line" 0 0 ${row:+$((row + 1))}) ||
            { echo "the screen does not show \"${!i}\"${row:+ on row $((row + 1))} ($got)"; return 1; }
        row=$(sed -nE 's/^row ([0-9]+) .*/\1/p' <<<"$got")
    done
}

# The image: the kernel, its initramfs, an empty command line (so /init runs the shell).
"$top/scripts/mkiso.sh" "$elf" "$out/$name.iso" --timeout 0 --cmdline "" \
    --module "$cpio" initramfs >"$out/$name.mkiso.log" 2>&1 || fail "could not build the image"
cp "$FRAME64_OVMF_VARS" "$out/$name.vars"
rm -f "$out/$name.monitor" "$log"
mkfifo "$out/$name.monitor"
exec 7<>"$out/$name.monitor"
qemu-system-x86_64 -M q35 -accel tcg,thread=multi -cpu max -smp "$smp" -m "$mem" -display none \
    -no-reboot -drive "if=pflash,format=raw,readonly=on,file=$FRAME64_OVMF_CODE" \
    -drive "if=pflash,format=raw,file=$out/$name.vars" -cdrom "$out/$name.iso" \
    -serial "file:$log" -monitor stdio <&7 >"$out/$name.qemu.log" 2>&1 &
qpid=$!
for _ in $(seq 50); do [ -e "$log" ] && break; sleep 0.1; done
wait_prompt 0 180 || fail "no shell prompt within 180 s: $(tail -c 300 "$log" | tr -d '\r' | tr '\n' '|')"
grep -aq "^console: framebuffer" <(tr -d '\r' <"$log") || fail "the kernel started no framebuffer console"

checked=0
for entry in "${session[@]}"; do
    IFS='@' read -r -a want <<<"$entry"
    typed=${want[0]} cc=0
    want=("${want[@]:1}")
    [[ $typed == *"^C" ]] && typed=${typed%^C} cc=1
    mark=$(stat -c %s "$log")
    for k in $(keys_of "$typed"); do echo "sendkey $k" >&7; done
    if [ "$cc" = 1 ]; then
        echo "sendkey ret" >&7
        sleep 2
        echo "sendkey ctrl-c" >&7
    else
        echo "sendkey ret" >&7
    fi
    wait_prompt "$mark" 60 || fail "after typing '$typed' no prompt within 60 s: $(serial_after "$mark" | tail -3 | tr '\n' '|')"
    # COM1: the echoed command, the answer, the prompt.
    mapfile -t got < <(serial_after "$mark")
    [ "${got[0]}" = "$typed" ] || fail "COM1 echoed \"${got[0]}\" for the typed \"$typed\""
    got=("${got[@]:1:${#got[@]}-2}")
    [ "${got[*]}" = "${want[*]}" ] && [ "${#got[@]}" = "${#want[@]}" ] ||
        fail "after '$typed' COM1 shows \"$(printf '%s|' "${got[@]}")\", expected \"$(printf '%s|' "${want[@]}")\""
    # The screen: the prompt and the command on a row, the answer below, then the next prompt.
    # (Each byte goes to COM1 first, then to the screen: a moment for the last one to be drawn.)
    sleep 0.3
    rm -f "$shot"
    echo "screendump \"$shot\"" >&7
    last=-1
    for _ in $(seq 50); do
        size=$(stat -c %s "$shot" 2>/dev/null || echo -1)
        [ "$size" -gt 0 ] && [ "$size" = "$last" ] && break
        last=$size
        sleep 0.1
    done
    [ -s "$shot" ] || fail "no screendump after '$typed'"
    why=$(screen_rows "$PROMPT$typed" "${want[@]}" "$PROMPT") || fail "after '$typed': $why"
    checked=$((checked + 1))
done

# exit: init ends, the kernel says whether every frame came back, the monitor takes the console.
mark=$(stat -c %s "$log")
for k in $(keys_of exit) ret; do echo "sendkey $k" >&7; done
deadline=$(( $(date +%s) + 60 ))
until serial_after "$mark" | grep -q "frame64> "; do
    [ "$(date +%s)" -ge "$deadline" ] && fail "after exit no monitor prompt"
    sleep 0.3
done
leak=$(serial_after "$mark" | grep -m1 "^init: .*frames leaked")
[[ $leak == *"frames leaked: 0"* ]] || fail "after exit: ${leak:-no 'init: ... frames leaked' line}"
stop
echo "shell.keyboard $name: PASS $checked commands typed on the keyboard, each answer on COM1 and on the framebuffer; $leak"
