#!/usr/bin/env bash
# Boots a frame64 image in an emulator, captures COM1 and decides pass or fail from what the
# kernel printed. One configuration per call; CTest runs the matrix (tests/boot/matrix.txt).
#
#   boot_test.sh --name NAME --elf build/frame64.elf --out DIR [options]
#     --machine pc|q35   --firmware bios|uefi   --media cd|usb|ide   --cpu MODEL
#     --mem SIZE         --accel tcg|kvm|auto   --timeout SECONDS
#     --cmdline "WORDS"  --module FILE "CMDLINE" (repeatable)
#     --expect ktest|refusal
#
# ktest:   the summary "ktest: N passed, 0 failed" (N > 0) must appear, QEMU must exit through
#          isa-debug-exit with status 1 (all passed), and no exception dump, panic or second
#          boot (a reboot) may appear.
# refusal: the refusal sentence must appear and the machine must stay halted (no reboot loop).
# Exit status: 0 pass, 1 fail, 77 skipped (the host cannot run this configuration).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
source "$top/scripts/lib.sh"

name="" elf="" out="" machine=pc firmware=bios media=cd cpu=qemu64 mem=128M accel=tcg
timeout=120 cmdline="ktest" expect=ktest
modargs=()
while [ $# -gt 0 ]; do
    case $1 in
    --name) name=$2; shift 2 ;;
    --elf) elf=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --machine) machine=$2; shift 2 ;;
    --firmware) firmware=$2; shift 2 ;;
    --media) media=$2; shift 2 ;;
    --cpu) cpu=$2; shift 2 ;;
    --mem) mem=$2; shift 2 ;;
    --accel) accel=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --cmdline) cmdline=$2; [ "$cmdline" = none ] && cmdline=""; shift 2 ;;
    --module) modargs+=(--module "$2" "$3"); shift 3 ;;
    --expect) expect=$2; shift 2 ;;
    *) echo "boot_test.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ -n "$name" ] && [ -f "$elf" ] && [ -n "$out" ] || { echo "boot_test.sh: need --name, --elf (existing) and --out" >&2; exit 2; }
[ "$accel" = auto ] && accel=$(frame64_accel)
mkdir -p "$out"
log="$out/$name.serial.log"
qlog="$out/$name.qemu.log"
result="$out/$name.result"
start=$(date +%s)

finish() { # status word, reason
    local secs=$(( $(date +%s) - start ))
    printf '%s\t%s\t%s\t%s\n' "$name" "$1" "$secs" "$2" > "$result"
    echo "boot test $name: $1 in ${secs}s${2:+ ($2)}"
    if [ "$1" = FAIL ]; then
        echo "---- last lines of COM1 ($log) ----"
        tr -d '\r' < "$log" 2>/dev/null | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' | grep -av '^\s*$' | tail -40
        echo "---- QEMU ($qlog) ----"
        tail -20 "$qlog" 2>/dev/null
    fi
    case $1 in PASS) exit 0 ;; SKIP) exit 77 ;; *) exit 1 ;; esac
}

if [ "$accel" = kvm ] && ! { [ -r /dev/kvm ] && [ -w /dev/kvm ]; }; then
    finish SKIP "no usable /dev/kvm"
fi

iso="$out/$name.iso"
"$top/scripts/mkiso.sh" "$elf" "$iso" --timeout 0 --cmdline "$cmdline" "${modargs[@]}" || finish FAIL "could not build the image"

args=(-M "$machine" -accel "$accel" -cpu "$cpu" -m "$mem" -display none -no-reboot
      -serial "file:$log" -device isa-debug-exit,iobase=0xf4,iosize=0x04 -snapshot)
case $firmware in
bios) ;;
uefi)
    cp "$FRAME64_OVMF_VARS" "$out/$name.vars.fd"
    args+=(-drive "if=pflash,format=raw,readonly=on,file=$FRAME64_OVMF_CODE"
           -drive "if=pflash,format=raw,file=$out/$name.vars.fd") ;;
*) echo "unknown firmware $firmware" >&2; exit 2 ;;
esac
case $media in
cd) args+=(-drive "file=$iso,format=raw,media=cdrom,readonly=on") ;;
ide) args+=(-drive "file=$iso,format=raw,if=ide,media=disk") ;;
usb)
    if [ "$machine" = pc ]; then
        args+=(-device piix3-usb-uhci,id=usbc -device "usb-storage,bus=usbc.0,drive=stick,bootindex=1")
    else
        args+=(-device qemu-xhci,id=usbc -device "usb-storage,bus=usbc.0,drive=stick,bootindex=1")
    fi
    args+=(-drive "if=none,id=stick,file=$iso,format=raw") ;;
*) echo "unknown media $media" >&2; exit 2 ;;
esac

: > "$log"
qemu-system-x86_64 "${args[@]}" > "$qlog" 2>&1 &
qpid=$!
status=""
refused_at=""
deadline=$(( $(date +%s) + timeout ))
clean() { tr -d '\r' < "$log" 2>/dev/null; }
while :; do
    if ! kill -0 "$qpid" 2>/dev/null; then
        wait "$qpid"; status=$?
        break
    fi
    if [ "$expect" = refusal ] && [ -z "$refused_at" ] && clean | grep -aq "does not support long mode"; then
        refused_at=$(date +%s)
    fi
    if [ -n "$refused_at" ] && [ $(( $(date +%s) - refused_at )) -ge 3 ]; then
        break # three seconds after the sentence and still halted: no reboot loop
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
        break
    fi
    sleep 0.3
done
if kill -0 "$qpid" 2>/dev/null; then
    kill "$qpid" 2>/dev/null; wait "$qpid" 2>/dev/null
    alive=1
else
    alive=0
fi
echo "qemu: ${args[*]}" >> "$qlog"

if grep -aq "KVM internal error" "$qlog"; then
    finish SKIP "this host's KVM cannot run the guest (QEMU: KVM internal error)"
fi
text=$(clean)
boots=$(grep -ac "Booting \`frame64" <<<"$text")
if grep -aq -E "^(EXCEPTION|PANIC)" <<<"$text"; then
    finish FAIL "the kernel crashed: $(grep -a -m1 -E '^(EXCEPTION|PANIC)' <<<"$text")"
fi
[ "$boots" -le 1 ] || finish FAIL "the machine booted $boots times (reboot)"
case $expect in
ktest)
    summary=$(grep -a -E '^ktest: [0-9]+ passed, [0-9]+ failed$' <<<"$text" | tail -1)
    [ -n "$summary" ] || finish FAIL "no ktest summary line$([ "$alive" = 1 ] && echo " (timed out after ${timeout}s)")"
    [ "$(grep -a -c -E '^ktest: [0-9]+ passed, [0-9]+ failed$' <<<"$text")" -eq 1 ] || finish FAIL "more than one summary line"
    grep -aq -E '^ktest: [1-9][0-9]* passed, 0 failed$' <<<"$summary" || finish FAIL "$summary: $(grep -a -m3 '^ktest: FAIL' <<<"$text" | tr '\n' ' ')"
    [ "$alive" = 0 ] && [ "$status" = 1 ] || finish FAIL "QEMU exit status ${status:-none (still running)}, expected 1 from isa-debug-exit"
    finish PASS "$summary" ;;
refusal)
    grep -aq "frame64 needs a 64-bit (x86_64) processor; this CPU does not support long mode." <<<"$text" || finish FAIL "no refusal sentence"
    [ "$alive" = 1 ] || finish FAIL "QEMU exited (status $status): the machine reset instead of halting"
    finish PASS "refused and halted" ;;
*) echo "unknown --expect $expect" >&2; exit 2 ;;
esac
