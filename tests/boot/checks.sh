# SPDX-License-Identifier: 0BSD
# Sourced by boot_test.sh: the rules that decide a run from what COM1 (and the screen) showed.
# Each check reads the serial text on standard input, takes what it needs to know as arguments,
# prints one line and returns 0 (the line is a summary of what passed) or 1 (the line is the
# reason it failed). The checks set nothing and end nothing: boot_test.sh composes them. The
# lines they look for come from patterns.sh.
#
# Arguments that describe the run, by name:
#   alive    1 if the emulator was still running when the harness stopped it, else 0
#   status   its exit status when it left by itself (empty if it did not)
#   seen     1 if the kernel's last expected line appeared while the harness watched, else 0
#   timeout  the seconds the harness waited

# Prints a kernel size such as "1022.5 MiB", "7.9 GiB" or "636 KiB" in MiB.
size_mib() {
    awk -v n="$1" -v u="$2" 'BEGIN {
        f = u == "B" ? 1 / 1048576 : u == "KiB" ? 1 / 1024 : u == "MiB" ? 1 : u == "GiB" ? 1024 : u == "TiB" ? 1048576 : -1
        if (f < 0) exit 1
        printf "%.1f\n", n * f }'
}

# Prints group n of the first line on standard input that matches the extended regex re.
capture() { # re n
    local line
    line=$(grep -a -m1 -E "$1") && [[ $line =~ $1 ]] && printf '%s\n' "${BASH_REMATCH[$2]}"
}

# check_emulator_killed alive status: the emulator did not die of a signal (e.g. the OOM killer).
check_emulator_killed() {
    local alive=$1 status=$2
    if [ "$alive" = 0 ] && [ "${status:-0}" -gt 128 ]; then
        echo "the emulator was killed by signal $((status - 128))$([ "$status" = 137 ] && echo " (the host's OOM killer?)")"
        return 1
    fi
    echo "not killed"
}

# check_no_crash: no exception dump, panic or stop message, one boot only.
check_no_crash() {
    local text bad boots
    text=$(cat)
    bad=$(grep -a -m1 -E "$FATAL_RE" <<<"$text")
    [ -z "$bad" ] || { echo "the kernel crashed or stopped: $bad"; return 1; }
    boots=$(grep -acF "$GRUB_BOOTING_TEXT" <<<"$text")
    [ "$boots" -le 1 ] || { echo "the machine booted $boots times (a reboot)"; return 1; }
    echo "no crash, one boot"
}

# check_memory_lines given_mib cut_bytes: the memory map's totals line and the "frames:" line were
# printed, and the RAM they show agrees with the size the machine was given less what GRUB's
# cutmem took out (firmware keeps some; never more than given). Prints "N MiB available".
check_memory_lines() {
    local given=$1 cut=${2:-0} text totals frames
    text=$(cat)
    totals=$(grep -a -m1 -E "$MEMMAP_TOTALS_RE" <<<"$text")
    [ -n "$totals" ] || { echo "no memory-map totals line (\"  available ..., kernel/boot ...\")"; return 1; }
    frames=$(grep -a -m1 -E "$FRAMES_RE" <<<"$text")
    [ -n "$frames" ] || { echo "no frame-manager line (\"frames: ... total, ... free\")"; return 1; }
    local w avail kern ram
    read -r -a w <<<"$totals"
    avail=$(size_mib "${w[1]}" "${w[2]%,}") && kern=$(size_mib "${w[4]}" "${w[5]%,}") ||
        { echo "cannot read the totals line: $totals"; return 1; }
    ram=$(awk -v g="$given" -v c="$cut" 'BEGIN { printf "%.1f\n", g - c / 1048576 }')
    if ! awk -v a="$avail" -v k="$kern" -v g="$ram" 'BEGIN { exit !(a + k <= g + 1 && a + k >= g * 0.75) }'; then
        if [ "$cut" -gt 0 ]; then
            echo "the map shows ${avail} MiB available + ${kern} MiB kernel/boot for a ${given} MiB machine less $((cut / 1024)) KiB cut out by cutmem"
        else
            echo "the map shows ${avail} MiB available + ${kern} MiB kernel/boot for a ${given} MiB machine"
        fi
        return 1
    fi
    echo "${avail} MiB available"
}

# check_map_entries min: the kernel read a boot-loader memory map of at least min entries (what
# the holes cut with cutmem imply). Prints "N-entry multiboot2 map".
check_map_entries() {
    local min=$1 line n
    line=$(grep -a -m1 -E "$MEMMAP_ENTRIES_RE")
    [ -n "$line" ] || { echo "no \"memmap: N entries from the ... memory map\" line"; return 1; }
    n=$(capture "$MEMMAP_ENTRIES_RE" 1 <<<"$line")
    [ "$n" -ge "$min" ] || { echo "the kernel read a map of $n entries, the holes cut imply at least $min"; return 1; }
    echo "$n-entry $(capture "$MEMMAP_ENTRIES_RE" 2 <<<"$line") map"
}

# check_wx_audit: exactly one verdict of the kernel's W^X audit, never FAILED: "passed: 0
# writable+executable pages, NULL unmapped, N guard pages" where the banner shows NX, "skipped:
# no NX on this CPU; NULL unmapped, N guard pages" where it does not; N > 0 (every kernel stack
# has one). Prints "W^X audit passed|skipped (no NX), N guard pages".
check_wx_audit() {
    local text verdicts count line nx=0 re word
    text=$(cat)
    verdicts=$(grep -a -E "$WX_AUDIT_ANY_RE" <<<"$text")
    count=$(grep -c . <<<"$verdicts")
    [ "$count" -ge 1 ] || { echo "no \"vm: W^X audit ...\" line"; return 1; }
    line=$(grep -a -m1 -E "$WX_AUDIT_FAILED_RE" <<<"$verdicts") && { echo "$line"; return 1; }
    [ "$count" -eq 1 ] || { echo "$count \"vm: W^X audit ...\" lines, expected one"; return 1; }
    grep -aqE "$LONG_MODE_RE" <<<"$text" || { echo "no \"frame64: long mode on ...\" banner to say whether the CPU has NX"; return 1; }
    grep -aqE "$LONG_MODE_NX_RE" <<<"$text" && nx=1
    if [ "$nx" = 1 ]; then re=$WX_AUDIT_PASSED_RE word=passed; else re=$WX_AUDIT_SKIPPED_RE word="skipped (no NX)"; fi
    [[ $verdicts =~ $re ]] ||
        { echo "the CPU has$([ "$nx" = 0 ] && echo " no") NX, but the audit said \"$verdicts\""; return 1; }
    [ "${BASH_REMATCH[1]}" -gt 0 ] || { echo "the audit found no guard page: \"$verdicts\""; return 1; }
    echo "W^X audit $word, ${BASH_REMATCH[1]} guard pages"
}

# check_smp want: exactly one "smp: N of M CPUs online" line with N = M = want (the CPUs the
# machine was given). Prints "N of N CPUs".
check_smp() {
    local want=$1 text lines n m
    text=$(cat)
    lines=$(grep -a -E "$SMP_ONLINE_RE" <<<"$text")
    [ -n "$lines" ] || { echo "no \"smp: N of M CPUs online\" line"; return 1; }
    [ "$(grep -c . <<<"$lines")" -eq 1 ] || { echo "more than one \"smp: ...\" line"; return 1; }
    n=$(capture "$SMP_ONLINE_RE" 1 <<<"$lines")
    m=$(capture "$SMP_ONLINE_RE" 2 <<<"$lines")
    [ "$n" = "$want" ] && [ "$m" = "$want" ] ||
        { echo "\"$lines\", the machine has $want CPU(s)"; return 1; }
    echo "$n of $m CPUs"
}

# check_cmdline cmdline: the kernel saw exactly the command line that was put in the GRUB entry.
check_cmdline() {
    local want seen
    want=$(cmdline_echo_line "$1")
    seen=$(grep -a -m1 -E "$CMDLINE_ECHO_RE")
    [ "$seen" = "$want" ] ||
        { echo "the kernel printed ${#seen}-char \"${seen:0:120}...\", expected the ${#1}-char command line"; return 1; }
    echo "command line echoed"
}

# check_ktest alive seen timeout: exactly one summary, all of N > 0 tests passed, and N is the
# number announced. Prints the summary line.
check_ktest() {
    local alive=$1 seen=$2 timeout=$3 must_fail=${4:-} text summary fails
    text=$(cat)
    summary=$(grep -a -E "$KTEST_SUMMARY_RE" <<<"$text" | tail -1)
    [ -n "$summary" ] ||
        { echo "no ktest summary line$([ "$alive" = 1 ] && [ "$seen" = 0 ] && echo " (timed out after ${timeout}s)")"; return 1; }
    [ "$(grep -a -c -E "$KTEST_SUMMARY_RE" <<<"$text")" -eq 1 ] || { echo "more than one summary line"; return 1; }
    if [ -n "$must_fail" ]; then
        # Exactly the one test that is meant to fail here (it is shown to be able to), and no other.
        fails=$(grep -a -E "$KTEST_FAIL_RE" <<<"$text")
        [ "$(grep -c . <<<"$fails")" -eq 1 ] && [[ $fails == "ktest: FAIL $must_fail:"* ]] &&
            [[ $summary == *" passed, 1 failed" ]] ||
            { echo "expected only $must_fail to fail; got \"$summary\": $(tr '\n' ' ' <<<"$fails")"; return 1; }
    else
        grep -aq -E "$KTEST_ALL_PASSED_RE" <<<"$summary" ||
            { echo "$summary: $(grep -a -m3 -E "$KTEST_FAIL_RE" <<<"$text" | tr '\n' ' ')"; return 1; }
    fi
    local announced passed
    announced=$(capture "$KTEST_RUNNING_RE" 1 <<<"$text")
    passed=$(capture "$KTEST_SUMMARY_RE" 1 <<<"$summary")
    [ -n "$must_fail" ] && passed=$((passed + 1))
    [ "$announced" = "$passed" ] || { echo "ktest announced ${announced:-no} tests but $summary"; return 1; }
    echo "$summary"
}

# check_ktest_quiet: the ktest run printed nothing that reads like a failure (KTEST_ALARM_RE)
# but the tests' own lines, "ktest: expected: ..." among them. Prints "nothing alarming".
check_ktest_quiet() {
    local alarm
    alarm=$(sed -n -E "/$KTEST_RUNNING_RE/,/$KTEST_SUMMARY_RE/p" | grep -a -v '^ktest: ' |
        grep -a -m1 -i -E "$KTEST_ALARM_RE")
    [ -z "$alarm" ] ||
        { echo "a passing ktest run printed \"$alarm\" (a test that provokes it on purpose marks it expected)"; return 1; }
    echo "nothing alarming"
}

# check_module_crcs count: ktest checked the CRC of exactly the count modules carrying crc32=.
check_module_crcs() {
    local want=$1 intact
    intact=$(capture "$KTEST_MODULES_RE" 1)
    [ "${intact:-x}" = "$want" ] ||
        { echo "ktest checked ${intact:-no} module(s) with crc32=, the image has $want"; return 1; }
    echo "$want module CRC(s) ok"
}

# check_ktest_exit machine alive status: after ktest QEMU left through isa-debug-exit with 1 (all
# passed); Bochs, which has no such device, is still running (halted).
check_ktest_exit() {
    local machine=$1 alive=$2 status=$3 want=${4:-1}
    if [ "$machine" = bochs ]; then
        [ "$alive" = 1 ] || { echo "Bochs exited by itself (status $status) instead of halting"; return 1; }
        echo "Bochs halted"
    else
        [ "$alive" = 0 ] && [ "$status" = "$want" ] ||
            { echo "QEMU exit status ${status:-none (still running)}, expected $want from isa-debug-exit"; return 1; }
        echo "QEMU exit status $want"
    fi
}

# check_monitor alive status seen timeout session: without "ktest" the kernel started the
# monitor (its banner and prompt) and stayed up; no test ran unless the session typed "ktest".
# With a session that ends in poweroff (keyboard) the emulator must have left by itself.
check_monitor() {
    local alive=$1 status=$2 seen=$3 timeout=$4 session=${5:-} text
    text=$(cat)
    [ "$seen" = 1 ] ||
        { echo "no monitor prompt$([ "$alive" = 1 ] && echo " (timed out after ${timeout}s)")"; return 1; }
    grep -aqE "$MONITOR_BANNER_RE" <<<"$text" || { echo "the prompt came without the monitor's banner"; return 1; }
    case $session in
    keyboard)
        [ "$alive" = 0 ] && [ "${status:-1}" = 0 ] ||
            { echo "poweroff did not end the emulator with status 0 (status ${status:-none, still running})"; return 1; }
        grep -aqE "$POWEROFF_S5_RE" <<<"$text" || { echo "poweroff did not say it used ACPI S5"; return 1; }
        echo "monitor up, powered off through ACPI S5" ;;
    serial)
        echo "monitor up" ;;
    *)
        [ "$alive" = 1 ] || { echo "the emulator exited (status $status) instead of staying in the monitor"; return 1; }
        ! grep -aqE "$KTEST_ANY_RE" <<<"$text" || { echo "ktest ran without \"ktest\" on the command line"; return 1; }
        echo "monitor up" ;;
    esac
}

# check_fb_screen file screencmp text [bpp]: the framebuffer screenshot (QEMU's screendump, PPM)
# shows text exactly as the kernel's renderer draws it (tools/screencmp); at 16 bpp each channel
# may be 8 off (the screenshot widens 5/6-bit channels its own way).
check_fb_screen() {
    local file=$1 tool=$2 want=$3 bpp=${4:-32} out tol=0
    [ "$bpp" -le 16 ] && tol=8
    [ -s "$file" ] || { echo "could not take a screenshot through the QEMU monitor"; return 1; }
    [ -x "$tool" ] || { echo "no screencmp tool at $tool (build the screencmp target or pass --screencmp)"; return 1; }
    out=$("$tool" "$file" "$want" 0 "$tol") || { echo "the framebuffer does not show \"$want\": $out"; return 1; }
    echo "framebuffer shows \"${want:0:24}...\" (${out})"
}

# check_fb_line: the kernel started its framebuffer console and said so. Prints "WxH B bpp".
check_fb_line() {
    local line
    line=$(grep -a -m1 -E "$CONSOLE_FB_RE") || { echo "no \"console: framebuffer ...\" line"; return 1; }
    [[ $line =~ $CONSOLE_FB_RE ]]
    echo "${BASH_REMATCH[1]}x${BASH_REMATCH[2]} bpp ${BASH_REMATCH[3]}"
}

# check_no_fb_line: under UEFI without a framebuffer the kernel said so on COM1, and how to get
# one, before its memory map (at boot, not only once the monitor runs).
check_no_fb_line() {
    local text at how map
    text=$(cat)
    at=$(grep -a -n -m1 -E "$CONSOLE_NO_FB_RE" <<<"$text" | cut -d: -f1)
    [ -n "$at" ] || { echo "no \"console: no framebuffer: ...\" line on COM1 (the screen stays dark unexplained)"; return 1; }
    how=$(grep -a -n -m1 -E "$CONSOLE_NO_FB_HOW_RE" <<<"$text" | cut -d: -f1)
    [ -n "$how" ] || { echo "the kernel said it has no framebuffer but not how to get one (insmod all_video, gfxpayload)"; return 1; }
    map=$(grep -a -n -m1 -E "$MEMMAP_ENTRIES_RE" <<<"$text" | cut -d: -f1)
    [ -z "$map" ] || [ "$at" -lt "$map" ] || { echo "the kernel said it has no framebuffer only after its memory map"; return 1; }
    ! grep -aqE "$CONSOLE_FB_RE" <<<"$text" || { echo "the kernel said it has no framebuffer, then started one"; return 1; }
    echo "no framebuffer, said so on COM1"
}

# check_refusal alive status: a 32-bit CPU got the refusal sentence and stayed halted.
check_refusal() {
    local alive=$1 status=$2 text
    text=$(cat)
    grep -aqE "$REFUSAL_LONG_MODE_RE" <<<"$text" || { echo "no refusal sentence"; return 1; }
    ! grep -aqE "$LONG_MODE_RE" <<<"$text" || { echo "the kernel reached long mode on a 32-bit CPU"; return 1; }
    [ "$alive" = 1 ] || { echo "the emulator exited (status $status): the machine reset instead of halting"; return 1; }
    echo "refused and halted"
}

# check_crash cmdline alive status seen: the deliberate crash the command line asked for ended in
# its report line (the kernel's words for a fault: crash=pagefault, crash=null, crash=stack), then
# its dump (the panic's line for crash=panic, the fault-in-the-fault-path panic naming both faults
# for crash=nested, #PF, or #DF for the stack), then the stop line, and a halted machine.
check_crash() {
    local cmdline=$1 alive=$2 status=$3 seen=$4 text want report=""
    text=$(cat)
    case " $cmdline " in
    *" crash=panic "*) want=$PANIC_CRASH_RE ;;
    *" crash=panic-ap "*) want=$PANIC_AP_CRASH_RE ;;
    *" crash=nested "*) want=$PANIC_NESTED_CRASH_RE ;;
    *" crash=pagefault "*) report=$KERNEL_PAGE_FAULT_CRASH_RE want=$EXCEPTION_PAGE_FAULT_RE ;;
    *" crash=null "*) report=$KERNEL_NULL_CRASH_RE want=$EXCEPTION_PAGE_FAULT_RE ;;
    *" crash=stack "*) report=$KERNEL_STACK_CRASH_RE want=$EXCEPTION_DOUBLE_FAULT_RE ;;
    *" crash=entry32 "*) want=$ENTRY32_UD_CRASH_RE ;;
    *) echo "--expect crash needs crash=panic, crash=panic-ap, crash=nested, crash=pagefault, crash=null, crash=stack or crash=entry32 on the command line"; return 1 ;;
    esac
    local dump at rat sat shown
    dump=$(grep -a -m1 -E "$want" <<<"$text")
    [ -n "$dump" ] || { echo "no dump matching /$want/"; return 1; }
    shown=${dump:0:60}
    at=$(grep -a -n -m1 -E "$want" <<<"$text" | cut -d: -f1)
    if [ -n "$report" ]; then
        rat=$(grep -a -n -m1 -E "$report" <<<"$text" | cut -d: -f1)
        [ -n "$rat" ] || { echo "no report line matching /$report/ before the dump"; return 1; }
        [ "$rat" -lt "$at" ] || { echo "the report line came after the dump"; return 1; }
        shown="$(sed -n "${rat}p" <<<"$text")"
        shown="${shown%% at *}; ${dump%%,*}"
    fi
    if [[ " $cmdline " == *" crash=panic-ap "* ]]; then
        grep -aqE "$DUMP_ON_CPU1_RE" <<<"$text" || { echo "the dump does not name CPU 1"; return 1; }
        shown+=" on CPU 1"
    fi
    [ "$seen" = 1 ] || { echo "no \"frame64 stopped:\" line after the dump"; return 1; }
    sat=$(grep -a -n -m1 -E "$STOPPED_RE" <<<"$text" | cut -d: -f1)
    [ -n "$sat" ] && [ "$sat" -gt "$at" ] || { echo "no \"frame64 stopped:\" line after the dump"; return 1; }
    local boots
    boots=$(grep -acF "$GRUB_BOOTING_TEXT" <<<"$text")
    [ "$boots" -le 1 ] || { echo "the machine booted $boots times (a reboot)"; return 1; }
    [ "$alive" = 1 ] || { echo "the emulator exited (status $status) instead of staying halted"; return 1; }
    echo "$shown; halted"
}

# check_screen file machine screen want: the VGA text screen saved in file agrees with COM1:
# in text mode (screen "text", BIOS) it shows want; in a graphics mode (UEFI, or BIOS with a
# gfxpayload mode) nothing of the kernel's. Bochs' screen is not read: prints nothing.
check_screen() {
    local file=$1 machine=$2 firmware=$3 want=$4 screen
    [ "$machine" = bochs ] && return 0
    [ -s "$file" ] || { echo "could not read the VGA text screen through the QEMU monitor"; return 1; }
    # Cells are (character, attribute) byte pairs: keep the characters.
    screen=$(od -An -v -tu1 "$file" | tr -s ' ' '\n' | grep -v '^$' |
             awk 'NR % 2 == 1 { printf "%c", ($1 >= 32 && $1 < 127) ? $1 : 32 }')
    if [ "$firmware" != text ]; then
        ! grep -qF "$KERNEL_SCREEN_TEXT" <<<"$screen" || { echo "the kernel wrote to the VGA text buffer in a graphics mode"; return 1; }
    else
        grep -qF "$want" <<<"$screen" || { echo "the screen does not show \"$want\""; return 1; }
    fi
    echo "screen checked"
}

# check_exit1 alive status timeout: with no COM1 at all nothing can be read, so QEMU must have
# left through isa-debug-exit with 1 (ktest passed) by itself.
check_exit1() {
    local alive=$1 status=$2 timeout=$3
    [ "$alive" = 0 ] && [ "$status" = 1 ] ||
        { echo "QEMU exit status ${status:-none (still running after ${timeout}s)}, expected 1 from isa-debug-exit"; return 1; }
    echo "no COM1: ktest passed (QEMU exit status 1)"
}

# The rule for the programs run from "exec" modules (check_programs).
source "$(dirname "${BASH_SOURCE[0]}")/checks_programs.sh"
