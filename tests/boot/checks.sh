# SPDX-License-Identifier: 0BSD
# Sourced by boot_test.sh: the verdict from COM1. check_all calls finish FAIL with the first
# broken rule, or sets verdict to a one-line summary of what passed.

# Prints a kernel size such as "1022.5 MiB", "7.9 GiB" or "636 KiB" in MiB.
size_mib() {
    awk -v n="$1" -v u="$2" 'BEGIN {
        f = u == "B" ? 1 / 1048576 : u == "KiB" ? 1 / 1024 : u == "MiB" ? 1 : u == "GiB" ? 1024 : u == "TiB" ? 1048576 : -1
        if (f < 0) exit 1
        printf "%.1f\n", n * f }'
}

# Nothing went wrong on the way: no exception dump, panic or stop message, one boot only.
check_no_crash() {
    local bad
    bad=$(grep -a -m1 -E '^(EXCEPTION|PANIC)|^frame64 (stopped|cannot continue|must be started)' <<<"$text")
    [ -z "$bad" ] || finish FAIL "the kernel crashed or stopped: $bad"
    local boots
    boots=$(grep -ac "Booting \`frame64" <<<"$text")
    [ "$boots" -le 1 ] || finish FAIL "the machine booted $boots times (a reboot)"
}

# The memory map's totals line and the "frames:" line were printed, and the RAM they show agrees
# with the size the machine was given (firmware keeps some; never more than given).
check_memory_lines() {
    local totals frames
    totals=$(grep -a -m1 -E '^  available [0-9.]+ [KMGT]?i?B, kernel/boot [0-9.]+ [KMGT]?i?B, ' <<<"$text")
    [ -n "$totals" ] || finish FAIL "no memory-map totals line (\"  available ..., kernel/boot ...\")"
    frames=$(grep -a -m1 -E '^frames: [0-9.]+ [KMGT]?i?B total, [0-9.]+ [KMGT]?i?B free' <<<"$text")
    [ -n "$frames" ] || finish FAIL "no frame-manager line (\"frames: ... total, ... free\")"
    local w avail kern given
    read -r -a w <<<"$totals"
    avail=$(size_mib "${w[1]}" "${w[2]%,}") && kern=$(size_mib "${w[4]}" "${w[5]%,}") ||
        finish FAIL "cannot read the totals line: $totals"
    given=$(mem_mib "$mem")
    awk -v a="$avail" -v k="$kern" -v g="$given" 'BEGIN { exit !(a + k <= g + 1 && a + k >= g * 0.75) }' ||
        finish FAIL "the map shows ${avail} MiB available + ${kern} MiB kernel/boot for a ${given} MiB machine"
    mapinfo="${avail} MiB available"
}

# The kernel saw exactly the command line that was put in the GRUB entry.
check_cmdline() {
    local seen
    seen=$(grep -a -m1 '^frame64: command line "' <<<"$text")
    [ "$seen" = "frame64: command line \"$cmdline\"" ] ||
        finish FAIL "the kernel printed ${#seen}-char \"${seen:0:120}...\", expected the ${#cmdline}-char command line"
}

check_ktest() {
    local re='^ktest: [0-9]+ passed, [0-9]+ failed$' summary
    summary=$(grep -a -E "$re" <<<"$text" | tail -1)
    [ -n "$summary" ] || finish FAIL "no ktest summary line$([ "$alive" = 1 ] && [ -z "$final_at" ] && echo " (timed out after ${timeout}s)")"
    [ "$(grep -a -c -E "$re" <<<"$text")" -eq 1 ] || finish FAIL "more than one summary line"
    grep -aq -E '^ktest: [1-9][0-9]* passed, 0 failed$' <<<"$summary" ||
        finish FAIL "$summary: $(grep -a -m3 '^ktest: FAIL' <<<"$text" | tr '\n' ' ')"
    local announced passed
    announced=$(sed -n -E 's/^ktest: running ([0-9]+) tests$/\1/p' <<<"$text" | head -1)
    passed=$(sed -E 's/^ktest: ([0-9]+) passed.*/\1/' <<<"$summary")
    [ "$announced" = "$passed" ] || finish FAIL "ktest announced ${announced:-no} tests but $summary"
    local intact
    intact=$(sed -n -E 's/^ktest: ([0-9]+) module\(s\) with crc32= intact$/\1/p' <<<"$text" | head -1)
    [ "${intact:-x}" = "$modcrcs" ] ||
        finish FAIL "ktest checked ${intact:-no} module(s) with crc32=, the image has $modcrcs"
    if [ "$machine" = bochs ]; then
        [ "$alive" = 1 ] || finish FAIL "Bochs exited by itself (status $status) instead of halting"
    else
        [ "$alive" = 0 ] && [ "$status" = 1 ] ||
            finish FAIL "QEMU exit status ${status:-none (still running)}, expected 1 from isa-debug-exit"
    fi
    verdict="$summary; $mapinfo; $modcrcs module CRC(s) ok"
}

check_idle() {
    [ -n "$final_at" ] || finish FAIL "no \"nothing more to do\" line$([ "$alive" = 1 ] && echo " (timed out after ${timeout}s)")"
    [ "$alive" = 1 ] || finish FAIL "the emulator exited (status $status) instead of staying halted"
    ! grep -aqE '^ktest: ' <<<"$text" || finish FAIL "ktest ran without \"ktest\" on the command line"
    verdict="halted after boot; $mapinfo"
}

check_refusal() {
    grep -aq "frame64 needs a 64-bit (x86_64) processor; this CPU does not support long mode." <<<"$text" ||
        finish FAIL "no refusal sentence"
    ! grep -aq '^frame64: long mode' <<<"$text" || finish FAIL "the kernel reached long mode on a 32-bit CPU"
    [ "$alive" = 1 ] || finish FAIL "the emulator exited (status $status): the machine reset instead of halting"
    verdict="refused and halted"
}

# The deliberate crash the command line asked for ended in its dump and a halted machine.
check_crash() {
    local want
    case " $cmdline " in
    *" crash=panic "*) want='^PANIC at .*crash=panic' ;;
    *" crash=pagefault "*) want='^EXCEPTION 14: ' ;;
    *) finish FAIL "--expect crash needs crash=panic or crash=pagefault on the command line" ;;
    esac
    local dump
    dump=$(grep -a -m1 -E "$want" <<<"$text")
    [ -n "$dump" ] || finish FAIL "no dump matching /$want/"
    [ -n "$final_at" ] || finish FAIL "no \"frame64 stopped:\" line after the dump"
    local boots
    boots=$(grep -ac "Booting \`frame64" <<<"$text")
    [ "$boots" -le 1 ] || finish FAIL "the machine booted $boots times (a reboot)"
    [ "$alive" = 1 ] || finish FAIL "the emulator exited (status $status) instead of staying halted"
    verdict="${dump:0:60}; halted"
}

# The screen agrees with COM1 (see boot_test.sh): BIOS shows want; UEFI shows no "frame64".
check_screen() {
    local want=$1 file="$out/$name.vga" screen
    [ "$machine" = bochs ] && return 0
    [ -s "$file" ] || finish FAIL "could not read the VGA text screen through the QEMU monitor"
    # Cells are (character, attribute) byte pairs: keep the characters.
    screen=$(od -An -v -tu1 "$file" | tr -s ' ' '\n' | grep -v '^$' |
             awk 'NR % 2 == 1 { printf "%c", ($1 >= 32 && $1 < 127) ? $1 : 32 }')
    if [ "$firmware" = uefi ]; then
        grep -q "frame64" <<<"$screen" && finish FAIL "the kernel wrote to the VGA text buffer under UEFI"
    else
        grep -qF "$want" <<<"$screen" || finish FAIL "the screen does not show \"$want\""
    fi
    verdict+=", screen checked"
}

check_all() {
    text=$(serial_text)
    if [ "$alive" = 0 ] && [ "${status:-0}" -gt 128 ]; then
        finish FAIL "the emulator was killed by signal $((status - 128))$([ "$status" = 137 ] && echo " (the host's OOM killer?)")"
    fi
    if [ "$expect" = crash ]; then
        check_memory_lines
        check_crash
        check_screen "frame64 stopped: "
        return
    fi
    if [ "$expect" = exit1 ]; then
        [ "$alive" = 0 ] && [ "$status" = 1 ] ||
            finish FAIL "QEMU exit status ${status:-none (still running after ${timeout}s)}, expected 1 from isa-debug-exit"
        verdict="no COM1: ktest passed (QEMU exit status 1)"
        return
    fi
    check_no_crash
    case $expect in
    ktest) check_memory_lines; check_cmdline; check_ktest ;;
    idle) check_memory_lines; check_cmdline; check_idle; check_screen "frame64: nothing more to do" ;;
    refusal) check_refusal; check_screen "this CPU does not support long mode" ;;
    esac
}
