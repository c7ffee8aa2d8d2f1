#!/usr/bin/env bash
# SPDX-License-Identifier: 0BSD
# Self-test of the boot-test rules (checks.sh, patterns.sh) without an emulator: a serial log as a
# good ktest run prints it, then copies broken one way each, and every check must pass on the
# first and fail with its reason on the copy meant for it. Catches a pattern that no longer
# matches what the checks expect, and a check that cannot fail.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/patterns.sh"
source "$here/checks.sh"

# What a 128 MiB SeaBIOS guest with 40 holes cut by GRUB printed (abridged), with the "\r" and
# the terminal escapes already gone, as serial_text() leaves it.
good=$(cat <<'EOF'
  Booting `frame64'
frame64: long mode on AuthenticAMD QEMU Virtual CPU version 2.5+, 40-bit physical addresses, NX
frame64: booted by GRUB 2.06-13+deb12u2 (BIOS), magic 0x36d76289, boot information at 0x1274e0 (2920 bytes)
frame64: command line "ktest"
memmap: 47 entries from the multiboot2 memory map, 40-bit physical addresses
memmap: 53 ranges in memory
  available 126.3 MiB, kernel/boot 1000 KiB, firmware-reserved 12 GiB, ACPI 0 B, bad 0 B
frames: 127.3 MiB total, 126.3 MiB free (0 B stacked, 126.3 MiB unseeded), 1012 KiB reserved, 0 B in use
ktest: running 3 tests
ktest: PASS long_mode_active (0 Mcycles)
ktest: exhausted after 32344 frames (126 MiB)
ktest: 2 module(s) with crc32= intact
ktest: PASS frames_exhaustion_and_recovery (2260 Mcycles)
ktest: PASS memmap_agrees_with_firmware (1 Mcycles)
ktest: 3 passed, 0 failed
EOF
)
refusal='frame64 needs a 64-bit (x86_64) processor; this CPU does not support long mode.'
crash=$(printf '%s\n' "$good" | head -8; printf '%s\n' '' \
    'PANIC at src/ktest/crash.c:18: deliberate panic requested on the command line (crash=panic)' \
    '  RIP 0xffffffff80201234  RSP 0xffffffff80300000  RFLAGS 00000002  CS 08  SS 10' \
    'frame64 stopped: kernel panic.')

failures=0
# expect pass|fail "what the line must contain" TEXT CHECK ARGS...
expect() {
    local want=$1 needle=$2 text=$3 out status
    shift 3
    out=$("$@" <<<"$text")
    status=$?
    if { [ "$want" = pass ] && [ "$status" = 0 ]; } || { [ "$want" = fail ] && [ "$status" = 1 ]; }; then
        if [[ "$out" == *"$needle"* ]]; then
            echo "ok: $* -> ${want}: $out"
            return
        fi
    fi
    echo "WRONG: $* returned $status with \"$out\"; expected $want with \"$needle\""
    failures=$((failures + 1))
}
# broken SED-EXPRESSION: the good log edited one way.
broken() { sed -E "$1" <<<"$good"; }

expect pass "no crash" "$good" check_no_crash
expect fail "crashed or stopped: PANIC at x" "$good"$'\nPANIC at x' check_no_crash
expect fail "crashed or stopped: EXCEPTION 13" "$good"$'\nEXCEPTION 13: #GP, error code 0x0' check_no_crash
expect fail "cannot continue: the firmware" "$good"$'\nframe64 cannot continue: the firmware memory map could not be read (out of memory).' check_no_crash
expect fail "booted 2 times" "$good"$'\n  Booting `frame64\x27' check_no_crash

expect pass "126.3 MiB available" "$good" check_memory_lines 128 $((40 * 4096))
expect fail "for a 256 MiB machine" "$good" check_memory_lines 256 0
expect fail "for a 96 MiB machine" "$good" check_memory_lines 96 0
expect fail "less 1600 KiB cut out by cutmem" "$good" check_memory_lines 127 $((400 * 4096))
expect fail "no memory-map totals line" "$(broken '/^  available/d')" check_memory_lines 128 0
expect fail "no frame-manager line" "$(broken '/^frames:/d')" check_memory_lines 128 0

expect pass "47-entry multiboot2 map" "$good" check_map_entries 41
expect fail "a map of 47 entries, the holes cut imply at least 81" "$good" check_map_entries 81
expect fail "no \"memmap: N entries" "$(broken '/entries from the/d')" check_map_entries 1

expect pass "command line echoed" "$good" check_cmdline ktest
expect fail "expected the 9-char command line" "$good" check_cmdline "ktest x=1"

expect pass "ktest: 3 passed, 0 failed" "$good" check_ktest 0 1 120
expect fail "ktest: 2 passed, 1 failed: ktest: FAIL memmap" \
    "$(broken 's/^ktest: 3 passed, 0 failed$/ktest: 2 passed, 1 failed/; s/^ktest: PASS memmap_agrees_with_firmware.*/ktest: FAIL memmap_agrees_with_firmware: hole/')" \
    check_ktest 0 1 120
expect fail "announced 4 tests but ktest: 3 passed" "$(broken 's/running 3 tests/running 4 tests/')" check_ktest 0 1 120
expect fail "more than one summary" "$good"$'\nktest: 3 passed, 0 failed' check_ktest 0 1 120
expect fail "no ktest summary line (timed out after 120s)" "$(broken '/ passed, /d')" check_ktest 1 0 120

expect pass "2 module CRC(s) ok" "$good" check_module_crcs 2
expect fail "ktest checked 2 module(s) with crc32=, the image has 3" "$good" check_module_crcs 3

expect pass "QEMU exit status 1" "" check_ktest_exit pc 0 1
expect fail "QEMU exit status 3, expected 1" "" check_ktest_exit pc 0 3
expect pass "Bochs halted" "" check_ktest_exit bochs 1 ""

monitor=$(printf '%s\n' "$good" | sed '/^ktest: /d'; printf '%s\n%s' "$MONITOR_BANNER_TEXT" "$MONITOR_PROMPT_TEXT")
expect pass "monitor up" "$monitor" check_monitor 1 "" 1 120
expect fail "ktest ran without" "$good"$'\n'"$MONITOR_BANNER_TEXT" check_monitor 1 "" 1 120
expect fail "instead of staying in the monitor" "$monitor" check_monitor 0 0 1 120
expect fail "without the monitor's banner" "$(sed '/^frame64 monitor/d' <<<"$monitor")" check_monitor 1 "" 1 120
expect fail "no monitor prompt (timed out after 120s)" "$monitor" check_monitor 1 "" 0 120
s5='poweroff: ACPI S5 (SLP_TYPa 0, SLP_TYPb 0) through PM1a_CNT 0x604'
expect pass "powered off through ACPI S5" "$monitor"$'\n'"$s5" check_monitor 0 0 1 120 keyboard
expect fail "did not say it used ACPI S5" "$monitor" check_monitor 0 0 1 120 keyboard
expect fail "status none, still running" "$monitor"$'\n'"$s5" check_monitor 1 "" 1 120 keyboard
fbline='console: framebuffer 1024x768, 24 bpp, pitch 3072 at 0xfd000000'
expect pass "1024x768 bpp 24" "$fbline" check_fb_line
expect fail "no \"console: framebuffer" "$good" check_fb_line

expect pass "refused and halted" "  Booting \`frame64'"$'\n'"$refusal" check_refusal 1 ""
expect fail "no refusal sentence" "$good" check_refusal 1 ""
expect fail "reached long mode" "$refusal"$'\n'"$good" check_refusal 1 ""

expect pass "PANIC at src/ktest/crash.c:18" "$crash" check_crash "crash=panic" 1 "" 1
expect fail "no dump matching" "$crash" check_crash "crash=pagefault" 1 "" 1
expect fail "no \"frame64 stopped:\" line" "$crash" check_crash "crash=panic" 1 "" 0

expect pass "not killed" "" check_emulator_killed 0 1
expect fail "killed by signal 9 (the host's OOM killer?)" "" check_emulator_killed 0 137
expect pass "no COM1: ktest passed" "" check_exit1 0 1 120
expect fail "none (still running after 120s)" "" check_exit1 1 "" 120

if [ "$failures" -gt 0 ]; then
    echo "checks_selftest: $failures case(s) went the wrong way"
    exit 1
fi
echo "checks_selftest: every check passed the good log and failed its broken copy"
