#!/usr/bin/env bash
# SPDX-License-Identifier: 0BSD
# gdb against QEMU, in batch mode, through scripts/frame64.gdb: stops at kmain (hardware
# breakpoint), shows a backtrace, stops again once memory is up (ktest_run_suite), shows a
# backtrace and finishes a frame there, prints the frame pool, then continues to the end of the
# in-kernel tests, where QEMU leaves.
#   gdb_test.sh ELF OUTDIR
# Pass: every step's mark is in gdb's output, gdb never warned (e.g. "(Internal error: pc ... in
# read in CU, but not in symtab.)", from debug information it cannot read), the pool's addresses
# and the regions' bounds are hex and the regions' tags names, and the serial log has the ktest
# summary.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
elf=$1 out=$2
source "$top/scripts/lib.sh"
source "$here/patterns.sh"
command -v gdb >/dev/null || { echo "gdb is not installed (scripts/lib.sh installs it)"; exit 1; }
mkdir -p "$out"
iso="$out/gdb.iso" log="$out/gdb.serial.log" glog="$out/gdb.gdb.log" qlog="$out/gdb.qemu.log"
"$top/scripts/mkiso.sh" "$elf" "$iso" --timeout 0 --cmdline ktest > "$qlog" 2>&1 || { cat "$qlog"; exit 1; }
port=$(( 20000 + RANDOM % 20000 ))
qemu-system-x86_64 -M q35 -accel tcg -cpu qemu64 -m 256M -display none -no-reboot \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial "file:$log" \
    -drive "file=$iso,format=raw,media=cdrom,readonly=on" -gdb "tcp:127.0.0.1:$port" -S \
    >> "$qlog" 2>&1 &
qemu=$!
trap 'kill $qemu 2>/dev/null; wait $qemu 2>/dev/null' EXIT
sleep 0.5
timeout 300 gdb -batch -nx -ex "set \$port = $port" -ex "set \$elf = \"$elf\"" \
    -x "$top/scripts/frame64.gdb" \
    -ex 'echo GDB-AT-KMAIN\n' -ex 'bt' \
    -ex 'hbreak ktest_run_suite' -ex 'continue' -ex 'bt' \
    -ex 'delete' -ex 'hbreak kprintf' -ex 'continue' -ex 'echo GDB-FINISH\n' -ex 'finish' \
    -ex 'echo GDB-POOL\n' -ex 'frame64-pool' \
    -ex 'delete' -ex 'continue' > "$glog" 2>&1
wait $qemu; status=$?
fail() { echo "gdb test: FAIL ($1)"; echo "---- gdb ----"; tail -30 "$glog"; exit 1; }
grep -q "Remote 'g' packet reply is too long" "$glog" && fail "the 'g' packet pitfall"
grep -qE "^(Thread|Breakpoint) .*kmain \(" "$glog" || grep -qE "kmain \(magic=" "$glog" || fail "no stop at kmain"
sed -n '/GDB-AT-KMAIN/,$p' "$glog" | grep -qE '^#0 +(0x[0-9a-f]+ in )?kmain ' || fail "no backtrace starting at kmain"
sed -n '/GDB-FINISH/,$p' "$glog" | grep -qE '^Value returned is ' || fail "no finish out of kprintf"
# gdb's complaints about debug information it cannot read (each backtrace or finish through the
# NASM entry printed about ten), or any other warning.
warned=$(grep -m1 -E '^warning:|warning: \((Internal )?[Ee]rror' "$glog") && fail "gdb warned: $warned"
pool=$(sed -n '/GDB-POOL/,$p' "$glog")
grep -qE '^\$[0-9]+ = \{lock = ' <<<"$pool" || fail "the frame pool was not printed"
grep -qE '^\$[0-9]+ = \{lock = .*, end = 0x[0-9a-f]+, seed_base = 0x[0-9a-f]+, seed_next = 0x[0-9a-f]+,' <<<"$pool" ||
    fail "the frame pool's addresses are not in hex: $(grep -m1 -oE 'end = [^,]*, seed_base = [^,]*' <<<"$pool")"
grep -qE '^region list: [0-9]+ ranges' <<<"$pool" || fail "the region list was not printed"
grep -qE '^  \[0x[0-9a-f]{16}, 0x[0-9a-f]{16}\) REGION_KERNEL$' <<<"$pool" ||
    fail "no region printed as [0x..., 0x...) REGION_KERNEL (hex bounds, the tag by name): $(grep -m1 -E '^  \[|tag = ' <<<"$pool")"
tr -d '\r' < "$log" | grep -qE "$KTEST_ALL_PASSED_RE" || fail "the kernel did not finish its tests after continue"
[ "$status" = 1 ] || fail "QEMU exit status $status, expected 1 (isa-debug-exit after ktest)"
echo "gdb test: PASS (kmain, backtraces and finish without warnings, frame pool in hex, ran to the end)"
