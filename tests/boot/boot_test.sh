#!/usr/bin/env bash
# SPDX-License-Identifier: 0BSD
# Boots a frame64 image in an emulator, captures COM1 and decides pass or fail from what the
# kernel printed. One configuration per call; CTest runs the matrix (tests/boot/matrix.txt).
#
#   boot_test.sh --name NAME --elf build/frame64.elf --out DIR [options]
#     --machine pc|q35|bochs   --firmware bios|uefi   --media cd|usb|ide   --cpu MODEL
#     --mem SIZE (e.g. 128M, 3G)   --accel tcg|kvm|auto   --timeout SECONDS
#     --smp N (CPUs; QEMU's TCG then runs them on real threads: -accel tcg,thread=multi)
#     --ktest-fails NAME (ktest: exactly this test must fail, e.g. with ktest.noshootdown)
#     --cmdline "WORDS" ("none": empty)   --long-cmdline LEN (pad the command line to LEN chars)
#     --module FILE "CMDLINE"   --gen-module SIZE (e.g. 3000, 64M)   (both repeatable)
#     --mkmodule PATH (the host tool --gen-module uses; CTest passes it)
#     --expect ktest|monitor|refusal|crash|exit1
#     --programs (every test program run, as "exec" modules)  --program-runs FILE (their list;
#          CTest passes it: build/tests/boot/program_runs.txt)
#     --no-serial (QEMU without a COM1 at all)
#     --session serial|keyboard|procs (with --expect monitor: drive the monitor; see sessions.sh)
#     --gfxpayload MODE (the gfxpayload the menu sets for BIOS boots, e.g. 1024x768x24, default
#          text: the screen stays VGA text all the same; "header": the menu sets none, like a
#          plain menu of one's own, under BIOS and UEFI)
#     --no-video (the menu loads no GRUB video module: under UEFI the kernel gets no framebuffer
#          and must say so, see "nofb" below)
#     --vga std|vmware|cirrus|...  --nic MODEL (e.g. e1000)  --media ahci (the ISO on an AHCI CD)
#     --screencmp PATH (the host tool the framebuffer checks use; CTest passes it)
#     --cutmem N [--cutmem-step SIZE (default 2M)]: GRUB cuts N holes of 4 KiB out of the memory
#          map before it loads the kernel, one every SIZE from 16 MiB up (scripts/mkiso.sh)
#
# Every run: no exception dump, panic or stop message and no second boot (a reboot) may appear.
# ktest:   exactly one summary "ktest: N passed, 0 failed" with N > 0 and N = the tests announced;
#          QEMU exits through isa-debug-exit with status 1 (Bochs has no such device: it is ended
#          here once the summary is printed); the memory map's totals line and the frame
#          manager's "frames:" line are present and agree with --mem; every module that carries
#          crc32= is reported intact (the kernel checks the CRCs); the kernel echoes the exact
#          command line given; exactly one W^X audit line, "passed" (or "skipped" where the banner
#          shows no NX), never "FAILED"; between "ktest: running" and the summary no line but
#          the tests' own reads like a failure (check_ktest_quiet: a refusal a test provokes on
#          purpose is printed as "ktest: expected: ...").
# monitor: as ktest's map, module-free, command-line and W^X audit checks, then the monitor's
#          banner and prompt, and the machine stays up (command lines without "ktest", e.g. an
#          empty one).
#          --session serial then types every monitor command and the bad inputs on COM1 and checks
#          each answer; --session keyboard types on the PS/2 keyboard through QEMU's sendkey and
#          ends with poweroff, which must end QEMU (ACPI S5, exit status 0).
# fb:      where the screen is a framebuffer (UEFI with the menu's video modules) and the
#          kernel got to the monitor, QEMU's screendump must show the monitor's banner exactly as
#          the kernel's renderer draws it (tools/screencmp), and the kernel must have said
#          "console: framebuffer ..." on COM1.
# refusal: the refusal sentence for a CPU without long mode, and the machine stays halted.
# exit1:   for --no-serial: nothing can be read, so QEMU must leave through isa-debug-exit with
#          status 1 (ktest passed) by itself: the kernel found no UART and did not hang on it.
# screen:  for monitor, refusal and crash under QEMU, the VGA text screen is read through the
#          monitor: in BIOS text mode it must show the kernel's last line too; in a graphics mode
#          (UEFI) the kernel must not have written there (no "frame64" in it). BIOS boots stay
#          in text mode whatever the menu's gfxpayload says (the header asks for no framebuffer).
# nofb:    UEFI with --no-video: GRUB sets no graphics mode, and the kernel must say on COM1 that
#          it has no framebuffer and how to get one.
# crash:   for the kernel's deliberate crashes (crash=panic, crash=nested, crash=pagefault, crash=null,
#          crash=stack, crash=entry32 on the command line; the last an exception in the 32-bit
#          entry, which its own IDT reports): the kernel's report line for that fault ("kernel:
#          NULL pointer dereference: ...", "kernel: kernel stack overflow: stack 'boot' ..."), a
#          PANIC or EXCEPTION dump (#PF; #DF for the stack), then "frame64 stopped: ...", and the
#          machine stays halted (no triple fault, no reboot). This checks the fatal paths.
# programs: with --programs (ktest or monitor), every run of the test programs, in the order
#          tests/programs/CMakeLists.txt lists them, is an "exec" module; right after the W^X
#          audit line each must print exactly its host reference's stdout (ctest programs.<id>)
#          and end as it did on the host, then "exec: P programs, E exited, K killed; frames
#          leaked: 0" (check_programs in checks_programs.sh says where frame64 may differ).
# cutmem:  wherever the map is checked, the RAM it shows is the RAM given less the holes, and the
#          kernel read a map of at least the entries the holes imply: one more per hole under
#          BIOS (a gap splits an available entry), two more under UEFI (GRUB cannot remove memory
#          from the EFI map, so each hole becomes an "unusable" entry between two available ones).
# The checks are in checks.sh, the kernel lines they look for in patterns.sh.
# Exit status: 0 pass, 1 fail, 77 skipped (the host cannot run this configuration).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
source "$top/scripts/lib.sh"

name="" elf="" out="" machine=pc firmware=bios media=cd cpu="" mem=128M accel=tcg smp=1 mustfail=""
timeout=120 cmdline="ktest" expect=ktest long=0 mkmodule="" noserial=0 cutmem=0 cutstep=2M
modargs=() gensizes=() modcrcs=0 session="" gfxpayload=text vga="" nic="" screencmp="" novideo=0
programs=0 runs=""
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
    --smp) smp=$2; shift 2 ;;
    --ktest-fails) mustfail=$2; shift 2 ;;
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
    --cutmem) cutmem=$2; shift 2 ;;
    --cutmem-step) cutstep=$2; shift 2 ;;
    --session) session=$2; shift 2 ;;
    --gfxpayload) gfxpayload=$2; shift 2 ;;
    --no-video) novideo=1; shift ;;
    --vga) vga=$2; shift 2 ;;
    --nic) nic=$2; shift 2 ;;
    --screencmp) screencmp=$2; shift 2 ;;
    --programs) programs=1; shift ;;
    --program-runs) runs=$2; shift 2 ;;
    *) echo "boot_test.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ -n "$name" ] && [ -f "$elf" ] && [ -n "$out" ] || { echo "boot_test.sh: need --name, --elf (existing) and --out" >&2; exit 2; }
[[ "$name" =~ ^[A-Za-z0-9._-]+$ ]] || { echo "boot_test.sh: --name may hold only letters, digits, '.', '_' and '-'" >&2; exit 2; }
case $expect in ktest|monitor|refusal|crash|exit1) ;; *) echo "boot_test.sh: unknown --expect $expect" >&2; exit 2 ;; esac
case $session in ""|serial|keyboard|procs) ;; *) echo "boot_test.sh: unknown --session $session" >&2; exit 2 ;; esac
[ -z "$session" ] || [ "$expect" = monitor ] || { echo "boot_test.sh: --session needs --expect monitor" >&2; exit 2; }
[ -z "$session" ] || [ "$machine" != bochs ] || { echo "boot_test.sh: --session runs under QEMU only" >&2; exit 2; }
[ "$programs" = 0 ] || [ "$expect" = ktest ] || [ "$expect" = monitor ] || { echo "boot_test.sh: --programs needs --expect ktest or monitor" >&2; exit 2; }
[[ "$cutmem" =~ ^[0-9]+$ ]] || { echo "boot_test.sh: --cutmem needs a number of holes" >&2; exit 2; }
[ "$accel" = auto ] && accel=$(frame64_accel)
[ "$machine" = bochs ] && accel=bochs
mkdir -p "$out"
log="$out/$name.serial.log"
elog="$out/$name.emulator.log"
result="$out/$name.result"
rm -f "$result" "$log" "$elog"
start=$(date +%s)
source "$here/patterns.sh"
source "$here/emulators.sh"
source "$here/checks.sh"
source "$here/sendkeys.sh"
source "$here/sessions.sh"
# What the screen is once GRUB hands over: VGA text (BIOS, whatever gfxpayload says: the kernel's
# header asks for no framebuffer), a framebuffer (UEFI), or nothing (UEFI without video modules).
screen=text
[ "$firmware" = uefi ] && screen=graphics
[ "$firmware" = uefi ] && [ "$novideo" = 1 ] && screen=none
[ -z "$screencmp" ] && screencmp=$(dirname "$elf")/tests/boot/screencmp
[ -z "$runs" ] && runs=$(dirname "$elf")/tests/boot/program_runs.txt

# ---- the holes GRUB cuts (--cutmem): where they go, what they take, what they imply ----
cutbytes=0 minentries=1
if [ "$cutmem" -gt 0 ]; then
    case $cutstep in
    [0-9]*[Kk]) stepkib=${cutstep%[Kk]} ;;
    [0-9]*[Mm]) stepkib=$(( ${cutstep%[Mm]} * 1024 )) ;;
    *) echo "boot_test.sh: --cutmem-step must be like 64K or 2M" >&2; exit 2 ;;
    esac
    # The holes must lie in RAM the firmware calls available: above what GRUB and the kernel use
    # at the bottom, below the PCI hole (q35 moves RAM past 2 GiB above 4 GiB, pc past 3 GiB) and
    # 64 MiB below the top of low RAM, where the firmware keeps its own data. Under UEFI GRUB's
    # cutmem frees each hole to the firmware before it claims it as unusable, so a hole in GRUB's
    # own heap (the top quarter of low RAM) corrupts it ("free magic is broken"; seen with holes
    # up to 916 MiB in a 1 GiB guest, not with holes up to 816 MiB): stay below three quarters.
    low=$(mem_mib "$mem")
    [ "$low" -gt 2048 ] && low=2048
    [ "$firmware" = uefi ] && low=$(( low * 3 / 4 ))
    top_kib=$(( 16384 + cutmem * stepkib ))
    if [ "$top_kib" -gt $(( (low - 64) * 1024 )) ]; then
        echo "boot_test.sh: $cutmem holes every $cutstep reach $((top_kib / 1024)) MiB; with --mem $mem under $firmware they must end below $((low - 64)) MiB" >&2
        exit 2
    fi
    cutbytes=$(( cutmem * 4096 ))
    if [ "$firmware" = uefi ]; then minentries=$(( 2 * cutmem + 1 )); else minentries=$(( cutmem + 1 )); fi
fi

# One line a person can read in the matrix table: what was booted.
setup="$machine $firmware $media ${cpu:-$([ "$machine" = bochs ] && echo bx_generic || echo qemu64)} $mem $accel$([ "$smp" -gt 1 ] && echo " smp$smp"), ${#gensizes[@]}+$((${#modargs[@]} / 3)) mod"
[ "$cutmem" -gt 0 ] && setup+=", $cutmem holes"
[ "$gfxpayload" != text ] && setup+=", gfx $gfxpayload"
[ "$novideo" = 1 ] && setup+=", no video modules"
[ -n "$vga" ] && setup+=", vga $vga"
[ -n "$nic" ] && setup+=", nic $nic"
[ -n "$session" ] && setup+=", $session session"
[ "$programs" = 1 ] && setup+=", programs"

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
cleanup() { rm -f "$out/$name".gen*.bin "$out/$name.com1.in" "$out/$name.com1.out"; emulator_stop; }
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

# ---- the image: the test programs, generated modules, the padded command line, GRUB ----
nruns=0
if [ "$programs" = 1 ]; then
    [ -r "$runs" ] || finish FAIL "--programs needs the runs file $runs (configure with CMake, or pass --program-runs)"
    while IFS=$'\t' read -r id prog ref argv; do
        [ -n "$id" ] || continue
        [ -r "$prog" ] || finish FAIL "no program $prog for run $id (build the test_programs target)"
        [ -r "$ref" ] || finish FAIL "no host reference $ref for run $id (ctest -R '^programs\\.' writes them)"
        modargs+=(--module "$prog" "exec $argv")
        nruns=$((nruns + 1))
    done < "$runs"
    [ "$nruns" -gt 0 ] || finish FAIL "the runs file $runs lists no runs"
fi
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
cutargs=() videoargs=()
[ "$novideo" = 1 ] && videoargs=(--no-video)
[ "$cutmem" -gt 0 ] && cutargs=(--cutmem "$cutmem" "$cutstep")
"$top/scripts/mkiso.sh" "$elf" "$iso" --timeout 0 --cmdline "$cmdline" --gfxpayload "$gfxpayload" "${videoargs[@]}" "${modargs[@]}" "${cutargs[@]}" > "$elog" 2>&1 ||
    finish FAIL "could not build the image: $(grep -a -m1 -iE 'error' "$elog")"
rm -f "$out/$name".gen*.bin

# ---- boot: run until the kernel has said its last word, it stops, or the time is up ----
: > "$log"
emulator_start || finish FAIL "the emulator did not start: $(tail -1 "$elog")"
deadline=$(( $(date +%s) + timeout ))
final_at="" # when the kernel's last expected line appeared
case $expect in
ktest) final=$KTEST_SUMMARY_RE ;;
monitor) final=$MONITOR_PROMPT_RE ;;
refusal) final=$REFUSAL_LONG_MODE_RE ;;
crash) final=$STOPPED_RE ;;
exit1) final='^$never' ;; # nothing to read: wait for QEMU to leave
esac
session_failed=0
halted_at="" # when the kernel said it stops (an unexpected stop: no need to wait for the rest)
while emulator_alive; do
    if [ -z "$final_at" ] && serial_text | grep -aqE "$final"; then
        final_at=$(date +%s)
        # The machine stays up after these: keep its text screen for check_screen, and the
        # framebuffer for check_fb_screen.
        if [ "$expect" != ktest ]; then
            sleep 0.5
            screen_dump "$out/$name.vga"
            [ "$screen" = graphics ] && [ "$expect" = monitor ] && fb_dump "$out/$name.ppm"
        fi
        if [ -n "$session" ]; then
            "session_$session" || { session_failed=1; break; }
            final_at=$(date +%s)
        fi
    fi
    if [ -z "$final_at$halted_at" ] && serial_text | grep -aqE "$HALTED_RE"; then
        halted_at=$(date +%s)
    fi
    # QEMU leaves by itself after ktest; otherwise, three seconds after the last line (or a stop)
    # and still running means halted, not rebooting.
    if [ -n "$final_at$halted_at" ] && [ $(( $(date +%s) - ${final_at:-$halted_at} )) -ge 3 ]; then
        break
    fi
    [ "$(date +%s)" -ge "$deadline" ] && break
    # A KVM that cannot run the guest leaves QEMU paused, not ended: no need to wait it out.
    [ "$accel" = kvm ] && grep -aqF "$QEMU_KVM_PAUSED_TEXT" "$elog" && break
    sleep 0.3
done
emulator_finish # sets alive (1: still running when stopped) and status (the exit status)
seen=0
[ -n "$final_at" ] && seen=1

# Some hosts' KVM (seen: a paravirtual "kvm-pvm") cannot deliver a guest's int3 or refuses an
# MSR QEMU sets for the CPU model: that is the host, not the kernel.
if [ "$accel" = kvm ]; then
    kvmerr=$(grep -a -m1 -E "$QEMU_KVM_BROKEN_RE" "$elog")
    kvmerr=${kvmerr#"(qemu) "}
    [ -n "$kvmerr" ] && finish SKIP "this host's KVM cannot run the guest (QEMU: ${kvmerr#qemu-system-x86_64: })"
fi

# ---- the verdict: the first check that fails ends the run with its reason ----
text=$(serial_text)
# check VAR CHECK ARGS...: runs CHECK on the serial text; its summary goes to VAR, or its reason
# to finish FAIL.
check() {
    local var=$1 line
    shift
    line=$("$@" <<<"$text") || finish FAIL "$line"
    printf -v "$var" '%s' "$line"
}
# The map's lines, wherever the kernel gets that far: map (its RAM) and entries (its size).
check_map() {
    check map check_memory_lines "$(mem_mib "$mem")" "$cutbytes"
    check entries check_map_entries "$minentries"
    if [ "$cutmem" -gt 0 ]; then map+="; $entries"; fi
}

# The test programs' runs (--programs), wherever the kernel gets to ktest or the monitor.
progs=""
check_programs_if_asked() {
    [ "$programs" = 1 ] && check progs check_programs "$runs"
    return 0
}

check ok check_emulator_killed "$alive" "$status"
[ "$session_failed" = 0 ] || finish FAIL "$session session: $session_why"
case $expect in
exit1)
    check verdict check_exit1 "$alive" "$status" "$timeout"
    finish PASS "$verdict" ;;
crash)
    # crash=entry32 stops before the kernel reads any map.
    [[ " $cmdline " == *" crash=entry32 "* ]] || check_map
    check dump check_crash "$cmdline" "$alive" "$status" "$seen"
    check screen check_screen "$out/$name.vga" "$machine" "$screen" "$STOPPED_SCREEN_TEXT"
    finish PASS "$dump${screen:+, $screen}" ;;
esac
check ok check_no_crash
case $expect in
ktest)
    check_map
    check ok check_cmdline "$cmdline"
    check wx check_wx_audit
    check cpus check_smp "$smp"
    check_programs_if_asked
    [ "$screen" = none ] && check nofb check_no_fb_line && wx+="; $nofb"
    check summary check_ktest "$alive" "$seen" "$timeout" "$mustfail"
    [ -n "$mustfail" ] || check ok check_ktest_quiet
    check crcs check_module_crcs "$modcrcs"
    check ok check_ktest_exit "$machine" "$alive" "$status" "$([ -n "$mustfail" ] && echo 3 || echo 1)"
    finish PASS "$summary; $cpus; $map; $crcs; $wx${progs:+; $progs}" ;;
monitor)
    check_map
    check ok check_cmdline "$cmdline"
    check wx check_wx_audit
    check cpus check_smp "$smp"
    check_programs_if_asked
    check up check_monitor "$alive" "$status" "$seen" "$timeout" "$session"
    check shown check_screen "$out/$name.vga" "$machine" "$screen" "$MONITOR_SCREEN_TEXT"
    if [ "$screen" = graphics ] && [ "$machine" != bochs ]; then
        check fbmode check_fb_line
        check fbshown check_fb_screen "$out/$name.ppm" "$screencmp" "$MONITOR_SCREEN_TEXT" "${fbmode##* }"
        shown+="${shown:+, }$fbmode $fbshown"
    fi
    [ "$screen" = none ] && check nofb check_no_fb_line && shown+="${shown:+, }$nofb"
    finish PASS "$up${session_summary:+ ($session_summary)}; $map${shown:+, $shown}; $wx${progs:+; $progs}" ;;
refusal)
    check refused check_refusal "$alive" "$status"
    check screen check_screen "$out/$name.vga" "$machine" "$screen" "$REFUSAL_SCREEN_TEXT"
    finish PASS "$refused${screen:+, $screen}" ;;
esac
