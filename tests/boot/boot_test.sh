#!/usr/bin/env bash
# SPDX-License-Identifier: 0BSD
# Boots a frame64 image in an emulator, captures COM1 and decides pass or fail from what the
# kernel printed. One configuration per call; CTest runs the matrix (tests/boot/matrix.txt).
#
#   boot_test.sh --name NAME --elf build/frame64.elf --out DIR [options]
#     --machine pc|q35|bochs   --firmware bios|uefi   --media cd|usb|ide   --cpu MODEL
#     --mem SIZE (e.g. 128M, 3G)   --accel tcg|kvm|auto   --timeout SECONDS
#     --cmdline "WORDS" ("none": empty)   --long-cmdline LEN (pad the command line to LEN chars)
#     --module FILE "CMDLINE"   --gen-module SIZE (e.g. 3000, 64M)   (both repeatable)
#     --mkmodule PATH (the host tool --gen-module uses; CTest passes it)
#     --expect ktest|idle|refusal|crash|exit1
#     --no-serial (QEMU without a COM1 at all)
#
# Every run: no exception dump, panic or stop message and no second boot (a reboot) may appear.
# ktest:   exactly one summary "ktest: N passed, 0 failed" with N > 0 and N = the tests announced;
#          QEMU exits through isa-debug-exit with status 1 (Bochs has no such device: it is ended
#          here once the summary is printed); the memory map's totals line and the frame
#          manager's "frames:" line are present and agree with --mem; every module that carries
#          crc32= is reported intact (the kernel checks the CRCs); the kernel echoes the exact
#          command line given.
# idle:    as ktest's map, module-free and command-line checks, then "nothing more to do" and the
#          machine stays halted (used with command lines without "ktest", e.g. an empty one).
# refusal: the refusal sentence for a CPU without long mode, and the machine stays halted.
# exit1:   for --no-serial: nothing can be read, so QEMU must leave through isa-debug-exit with
#          status 1 (ktest passed) by itself: the kernel found no UART and did not hang on it.
# screen:  for idle, refusal and crash under QEMU, the VGA text screen is read through the monitor:
#          under BIOS it must show the kernel's last line too; under UEFI, where there is no text
#          buffer, the kernel must not have written there (no "frame64" in it).
# crash:   for the kernel's deliberate crashes (crash=panic, crash=pagefault on the command
#          line): a PANIC or EXCEPTION dump, then "frame64 stopped: ...", and the machine stays
#          halted (no triple fault, no reboot). This checks the fatal paths and the harness.
# Exit status: 0 pass, 1 fail, 77 skipped (the host cannot run this configuration).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
source "$top/scripts/lib.sh"

name="" elf="" out="" machine=pc firmware=bios media=cd cpu="" mem=128M accel=tcg
timeout=120 cmdline="ktest" expect=ktest long=0 mkmodule="" noserial=0
modargs=() gensizes=() modcrcs=0
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
    --long-cmdline) long=$2; shift 2 ;;
    --module)
        modargs+=(--module "$2" "$3")
        [[ " $3 " == *" crc32="* ]] && modcrcs=$((modcrcs + 1))
        shift 3 ;;
    --gen-module) gensizes+=("$2"); shift 2 ;;
    --mkmodule) mkmodule=$2; shift 2 ;;
    --expect) expect=$2; shift 2 ;;
    --no-serial) noserial=1; shift ;;
    *) echo "boot_test.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ -n "$name" ] && [ -f "$elf" ] && [ -n "$out" ] || { echo "boot_test.sh: need --name, --elf (existing) and --out" >&2; exit 2; }
[[ "$name" =~ ^[A-Za-z0-9._-]+$ ]] || { echo "boot_test.sh: --name may hold only letters, digits, '.', '_' and '-'" >&2; exit 2; }
case $expect in ktest|idle|refusal|crash|exit1) ;; *) echo "boot_test.sh: unknown --expect $expect" >&2; exit 2 ;; esac
[ "$accel" = auto ] && accel=$(frame64_accel)
[ "$machine" = bochs ] && accel=bochs
mkdir -p "$out"
log="$out/$name.serial.log"
elog="$out/$name.emulator.log"
result="$out/$name.result"
rm -f "$result" "$log" "$elog"
start=$(date +%s)
source "$here/emulators.sh"
source "$here/checks.sh"

# One line a person can read in the matrix table: what was booted.
setup="$machine $firmware $media ${cpu:-$([ "$machine" = bochs ] && echo bx_generic || echo qemu64)} $mem $accel, ${#gensizes[@]}+$((${#modargs[@]} / 3)) mod"

finish() { # status word, reason
    local secs=$(( $(date +%s) - start ))
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$1" "$secs" "$2" "$setup" > "$result"
    echo "boot test $name: $1 in ${secs}s${2:+ ($2)}"
    if [ "$1" = FAIL ]; then
        echo "---- last lines of COM1 ($log) ----"
        serial_text | grep -av '^\s*$' | tail -40
        echo "---- emulator ($elog) ----"
        tail -20 "$elog" 2>/dev/null
    else
        rm -f "$out/$name.iso" # keep only a failure's image: a full run would fill gigabytes
    fi
    case $1 in PASS) exit 0 ;; SKIP) exit 77 ;; *) exit 1 ;; esac
}

# Removes what a run leaves behind besides the logs, whatever way the script ends.
cleanup() { rm -f "$out/$name".gen*.bin; emulator_stop; }
trap cleanup EXIT

if [ "$accel" = kvm ] && ! { [ -r /dev/kvm ] && [ -w /dev/kvm ]; }; then
    finish SKIP "no usable /dev/kvm"
fi
# ktest touches every frame, so the whole guest becomes resident on the host: start it only when
# the host has that much to spare (plus 2 GiB for everyone else), never into the OOM killer.
need=$(( $(mem_mib "$mem") + 2048 ))
have=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
if [ -n "$have" ] && [ "$have" -lt "$need" ]; then
    finish SKIP "the host has $have MiB available, this guest needs $need MiB with headroom"
fi
if [ "$machine" = bochs ] && ! command -v bochs >/dev/null; then
    finish FAIL "bochs is not installed (scripts/lib.sh installs it)"
fi

# ---- the image: generated modules, the padded command line, GRUB ----
if [ ${#gensizes[@]} -gt 0 ]; then
    [ -z "$mkmodule" ] && mkmodule=$(dirname "$elf")/tests/boot/mkmodule
    [ -x "$mkmodule" ] || finish FAIL "--gen-module needs the host tool mkmodule (not at $mkmodule; build the mkmodule target or pass --mkmodule)"
    seed=$(printf '%s' "$name" | cksum | cut -d' ' -f1)
    i=0
    for size in "${gensizes[@]}"; do
        i=$((i + 1))
        f="$out/$name.gen$i.bin"
        crc=$("$mkmodule" "$f" "$size" $((seed + i))) || finish FAIL "mkmodule could not write a $size module"
        modargs+=(--module "$f" "gen$i size=$size crc32=$crc")
        modcrcs=$((modcrcs + 1))
    done
fi
if [ "$long" -gt 0 ]; then
    n=0
    while [ ${#cmdline} -lt "$long" ]; do
        n=$((n + 1))
        cmdline+="${cmdline:+ }pad$(printf %04d $n)=abcdefghijklmnopqrstuvwxyz0123456789"
    done
fi
iso="$out/$name.iso"
"$top/scripts/mkiso.sh" "$elf" "$iso" --timeout 0 --cmdline "$cmdline" "${modargs[@]}" > "$elog" 2>&1 ||
    finish FAIL "could not build the image: $(grep -a -m1 -iE 'error' "$elog")"
rm -f "$out/$name".gen*.bin

# ---- boot: run until the kernel has said its last word, it stops, or the time is up ----
: > "$log"
emulator_start || finish FAIL "the emulator did not start: $(tail -1 "$elog")"
deadline=$(( $(date +%s) + timeout ))
final_at="" # when the kernel's last expected line appeared
case $expect in
ktest) final='^ktest: [0-9]+ passed, [0-9]+ failed$' ;;
idle) final='^frame64: nothing more to do; halting\.$' ;;
refusal) final='does not support long mode' ;;
crash) final='^frame64 stopped: ' ;;
exit1) final='^$never' ;; # nothing to read: wait for QEMU to leave
esac
while emulator_alive; do
    if [ -z "$final_at" ] && serial_text | grep -aqE "$final"; then
        final_at=$(date +%s)
        # The machine stays up after these: keep its text screen for check_screen.
        [ "$expect" != ktest ] && sleep 0.5 && screen_dump "$out/$name.vga"
    fi
    # QEMU leaves by itself after ktest; otherwise, three seconds after the last line and still
    # running means halted, not rebooting.
    if [ -n "$final_at" ] && [ $(( $(date +%s) - final_at )) -ge 3 ]; then
        break
    fi
    [ "$(date +%s)" -ge "$deadline" ] && break
    # A KVM that cannot run the guest leaves QEMU paused, not ended: no need to wait it out.
    [ "$accel" = kvm ] && grep -aq "KVM internal error" "$elog" && break
    sleep 0.3
done
emulator_finish # sets alive (1: still running when stopped) and status (the exit status)

# Some hosts' KVM (seen: a paravirtual "kvm-pvm") cannot deliver a guest's int3 or refuses an
# MSR QEMU sets for the CPU model: that is the host, not the kernel.
if [ "$accel" = kvm ]; then
    kvmerr=$(grep -a -m1 -E "KVM internal error|failed to set MSR|kvm_buf_set_msrs|failed to initialize kvm|Could not access KVM" "$elog")
    kvmerr=${kvmerr#"(qemu) "}
    [ -n "$kvmerr" ] && finish SKIP "this host's KVM cannot run the guest (QEMU: ${kvmerr#qemu-system-x86_64: })"
fi
check_all
finish PASS "$verdict"
