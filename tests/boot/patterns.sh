# SPDX-License-Identifier: 0BSD
# Sourced by boot_test.sh and checks.sh: every line the harness looks for on COM1 or the screen,
# defined once. When the kernel changes a sentence, change it here (the comment names where it
# is printed) and nowhere else. Patterns ending in _RE are extended regular expressions
# (grep -E, sed -E); the ones ending in _TEXT are fixed strings (grep -F).

# ---- ktest: ktest_run_all() in src/ktest/runner.c ----
# "ktest: running N tests", before the first test; \1 is N.
KTEST_RUNNING_RE='^ktest: running ([0-9]+) tests$'
# The one summary "ktest: N passed, N failed"; \1 is the number passed.
KTEST_SUMMARY_RE='^ktest: ([0-9]+) passed, [0-9]+ failed$'
# The summary of a good run: at least one test and none failed.
KTEST_ALL_PASSED_RE='^ktest: [1-9][0-9]* passed, 0 failed$'
# Words that make a line read like a failure (grep -i). Between "ktest: running" and the summary
# of a passing run only the tests' own lines ("ktest: ...") may hold them: a refusal or warning a
# test provokes on purpose is printed inside ktest_expected_begin()/_end() (src/ktest/runner.c),
# which starts each of its lines with "ktest: expected: ". Issue 16: the region list's "all 256
# entries used and no free 12 KiB ... to grow into" and "frame_alloc_run: invalid request".
KTEST_ALARM_RE='invalid|cannot|could not|no free|not freed|fail|error|refus|out of memory|entries used|did not|has not handed|leak|corrupt|double free|warning'
# One line per failed test, "ktest: FAIL name: why".
KTEST_FAIL_RE='^ktest: FAIL '
# Any line of the ktest runner or of a test (e.g. the exhaustion test's remarks).
KTEST_ANY_RE='^ktest: '
# frames_exhaustion_and_recovery in src/ktest/test_frames.c, once check_modules() has checked
# every module carrying crc32=; \1 is how many.
KTEST_MODULES_RE='^ktest: ([0-9]+) module\(s\) with crc32= intact$'

# ---- the memory map: src/mm/memmap.c ----
# memmap_sanitize(): how many entries the boot loader's map had; \1 is the count, \2 which map.
MEMMAP_ENTRIES_RE='^memmap: ([0-9]+) entries from the (multiboot2|EFI) memory map, '
# memmap_print(): the totals after the region list; words 2-3 are the available size, 5-6 the
# kernel/boot size (kformat_size() in src/lib/format.c: "126.3 MiB", truncated, never rounded up).
MEMMAP_TOTALS_RE='^  available [0-9.]+ [KMGT]?i?B, kernel/boot [0-9.]+ [KMGT]?i?B, '
# The same line (memmap_totals()) with the frame pool and DMA runs on their own; \1 and \2 are the
# kernel/boot size and its unit.
MEMMAP_TOTALS_POOL_RE='^  available [0-9.]+ [KMGT]?i?B, kernel/boot ([0-9.]+) ([KMGT]?i?B), frame pool [0-9.]+ [KMGT]?i?B, DMA runs [0-9.]+ [KMGT]?i?B, '

# ---- the page-frame manager: frame_print_stats() in src/mm/frame.c ----
FRAMES_RE='^frames: [0-9.]+ [KMGT]?i?B total, [0-9.]+ [KMGT]?i?B free'
# The same line; \1 and \2 are the reserved size and its unit.
FRAMES_RESERVED_RE='^frames: .*, ([0-9.]+) ([KMGT]?i?B) reserved, '

# ---- kmain() in src/kernel/main.c ----
# The command-line echo; the whole line for a given command line is cmdline_echo_line WORDS.
CMDLINE_ECHO_RE='^frame64: command line "'
cmdline_echo_line() { printf 'frame64: command line "%s"' "$1"; }
# Printed once the trampoline has reached long mode (a 32-bit CPU must never get here).
LONG_MODE_RE='^frame64: long mode'
# The same banner on a CPU with NX: ", NX" after the physical-address width (then maybe
# ", 1 GiB pages"). Without it user data pages are executable and the W^X audit is skipped.
LONG_MODE_NX_RE='^frame64: long mode on .*, NX(,|$)'

# ---- the kernel's address space: vm_check_print() in src/kernel/vmcheck.c, once, after the switch to
# ---- the kernel's own page tables ----
# Any verdict of the audit (passed, FAILED or skipped).
WX_AUDIT_ANY_RE='^vm: W\^X audit '
WX_AUDIT_FAILED_RE='^vm: W\^X audit FAILED: '
# With NX; \1 is the number of guard pages found unmapped.
WX_AUDIT_PASSED_RE='^vm: W\^X audit passed: 0 writable\+executable pages, NULL unmapped, ([0-9]+) guard pages$'
# Without NX (the banner lacks ", NX"); \1 as above.
WX_AUDIT_SKIPPED_RE='^vm: W\^X audit skipped: no NX on this CPU; NULL unmapped, ([0-9]+) guard pages$'

# ---- user processes: programs given as "exec NAME ARGS" modules ----
# proc_report() in src/exec/process.c: the one line that ends each program. NAME is its argv[0];
# the harness compares it as a string, these patterns take the rest. \1 is NAME.
PROG_EXIT_RE='^exec ([^ :]+): exit status (-?[0-9]+)$'
PROG_KILLED_RE='^exec ([^ :]+): killed: (.*)$'
PROG_REFUSED_RE='^exec ([^ :]+): refused: (.*)$'
# Any line of proc_report() or proc_run_modules(): where a program's own output stops.
PROG_ANY_RE='^exec( [^ :]+)?: '
# proc_run_modules() in src/exec/modules.c, after the last program: \1 programs, \2 exited,
# \3 killed, \4 frames leaked (followed by proc_print_holdings()'s detail when not 0).
PROG_SUMMARY_RE='^exec: ([0-9]+) programs, ([0-9]+) exited, ([0-9]+) killed; frames leaked: (-?[0-9]+)$'
# proc_print_holdings() in src/exec/process.c, after a summary that counts a leak.
PROG_HOLDINGS_RE='^exec: address spaces still hold '
# proc_user_trap() and page_fault() in src/exec/usertrap.c: why a process was killed (the text
# after "killed: "). A page fault's \1 is what was wrong (vmspace_fault_reason() in
# src/mm/vmspace_fault.c, or the guard-page case).
USER_PAGE_FAULT_RE='^page fault at 0x[0-9a-f]+ \((.*)\) at rip 0x[0-9a-f]+$'
# The kernel's line when memory runs out and it kills the largest resident set (usertrap.c).
OOM_KILL_RE='^oom: memory ran out when process [0-9]+ \(.*\) needed a page: killed process [0-9]+ \(.*\), the largest resident set \([0-9]+ frames\)$'
USER_OUT_OF_MEMORY_RE='^page fault at 0x[0-9a-f]+ \(out of memory\) at rip 0x[0-9a-f]+$'
USER_GP_FAULT_RE='^general protection fault \((privileged instruction [a-z -]+|error code 0x[0-9a-f]+)\) at rip 0x[0-9a-f]+$'
USER_INVALID_OPCODE_RE='^invalid opcode at rip 0x[0-9a-f]+$'
# Linux's SIGFPE: a divide error, or an unmasked x87 (#MF) or SSE (#XM) floating-point error.
USER_FP_ERROR_RE='^(divide error|x87 floating-point error|SIMD floating-point error) at rip 0x[0-9a-f]+$'
# Linux's SIGTRAP: a single step (TF), int1 or int3.
USER_TRAP_RE='^(debug trap \(single step or int1\)|breakpoint \(int3\)) at rip 0x[0-9a-f]+$'
# Linux's SIGBUS: a stack-segment fault (a non-canonical stack), an alignment check (AC set).
USER_BUS_RE='^(stack-segment fault|alignment check) \(error code 0x[0-9a-f]+\) at rip 0x[0-9a-f]+$'

# ---- the test programs' own lines where frame64 legitimately differs from the Linux host ----
# tests/programs/oom.c: on the host an address-space limit ends it ("mmap refused", exit 2); on
# frame64 the kernel kills it when frames run out, after as many progress lines as the RAM allows.
OOM_PROGRESS_RE='^oom: [0-9]+ MiB touched$'
# Without NX a read-write page is executable, so the data page's "ret" returns and the program
# says so and exits: tests/programs/die_nx.c ...
DIE_NX_ALIVE_TEXT='die_nx: FAIL: still alive'
DIE_NX_ALIVE_STATUS=99
# ... and tests/programs/churn.c, for a seed whose first line announces this ending.
CHURN_EXEC_ENDING_TEXT='then execute a data page'
CHURN_ALIVE_TEXT='churn: FAIL: still alive after the bad access'
CHURN_ALIVE_STATUS=101
# tests/programs/attack.c's mprotect-text makes its code page read-only: without NX it runs on,
# says so and exits 0.
ATTACK_READONLY_TEXT_ARGV='attack mprotect-text'
ATTACK_READONLY_TEXT_ALIVE_TEXT='attack mprotect-text: survived'

# ---- the monitor: monitor_run() in src/monitor/monitor.c ----
# Without "ktest" on the command line the kernel starts the monitor: its banner, then the prompt.
MONITOR_BANNER_TEXT="frame64 monitor: type 'help' for commands"
MONITOR_BANNER_RE="^frame64 monitor: type 'help' for commands\$"
# The prompt, printed without a newline after the banner and after every answer.
MONITOR_PROMPT_TEXT='frame64> '
MONITOR_PROMPT_RE='^frame64> '
# What the screen must show once the monitor runs (VGA text and framebuffer alike).
MONITOR_SCREEN_TEXT=$MONITOR_BANNER_TEXT
# finished() in src/monitor/monitor.c: a line longer than LINEEDIT_MAX (127).
MONITOR_TOO_LONG_RE='^That line is longer than 127 characters; it was ignored\.$'
# monitor_parse() in src/monitor/dispatch.c.
MONITOR_UNKNOWN_RE="^unknown command 'xyz' \\(try 'help'\\)\$"
MONITOR_USAGE_RE='^missing argument: usage: alloc N '
# args_number() in src/lib/args.c, through monitor_number() in src/monitor/monitor.c.
MONITOR_NOT_NUMBER_RE="^'12x' is not a number "
# help in src/monitor/cmd_system.c: one line per command, "  USAGE  help"; \1 is the name.
MONITOR_HELP_LINE_RE='^  ([a-z]+)( [][A-Z|a-z0-9 ]*)? {2,}[a-z(]'
# The commands the issue names, each of which help must list.
MONITOR_COMMANDS='help mem map frames caches alloc free run runs unrun whoowns bench ktest reboot poweroff'
# caches in src/monitor/cmd_caches.c: the row summing every CPU (calls, lock trips, hit rates).
MONITOR_CACHES_ALL_RE='^  all +[0-9]+ +[0-9]+ +[0-9]+\.[0-9]% +[0-9]+ +[0-9]+ +[0-9]+\.[0-9]% +[0-9]+$'
# map in src/monitor/cmd_memory.c: the header and the strip of letters.
MONITOR_MAP_RE='^map: physical \[0, 0x[0-9a-f]+\), [0-9.]+ [KMGT]?i?B per character'
MONITOR_MAP_STRIP_RE='^  \|[ .A-Za-z]{64}\|$'
MONITOR_MAP_LEGEND_KERNEL_RE='^    K kernel +[0-9.]+ [KMG]iB$'
# alloc, free, whoowns in src/monitor/cmd_alloc.c. MONITOR_ALLOC_RE: \1 count, \2 first, \3 last.
MONITOR_ALLOC_RE='^alloc: ([0-9]+) frame\(s\), first 0x([0-9a-f]+), last 0x([0-9a-f]+); the monitor holds [0-9]+$'
MONITOR_ALLOC_ZERO_RE='^alloc: asking for 0 frames allocates nothing'
MONITOR_ALLOC_ONLY_RE='^alloc: only [0-9]+ frames are free; allocating those\.$'
monitor_freed_one_re() { printf '^free: gave back 0x%s; the monitor holds %s$' "$1" "$2"; }
MONITOR_FREE_NOT_HELD_RE='^free: 0x[0-9a-f]+ is not a frame the monitor holds'
# \1 is how many frames came back.
MONITOR_FREE_ALL_RE='^free: gave back ([0-9]+) frame\(s\)$'
MONITOR_WHOOWNS_KERNEL_RE='^whoowns: 0x200000 is in \[0x[0-9a-f]+, 0x[0-9a-f]+\) \([0-9.]+ [KM]iB\), tagged kernel$'
MONITOR_WHOOWNS_HELD_RE='^whoowns: frame 0x[0-9a-f]+: handed out as a single frame, kept by the monitor'
MONITOR_WHOOWNS_RUN_RE='^whoowns: frame 0x[0-9a-f]+: handed out as part of a contiguous run, a run kept by the monitor'
MONITOR_WHOOWNS_FREE_RE='^whoowns: frame 0x[0-9a-f]+: free, '
# run, runs, unrun in src/monitor/cmd_runs.c. MONITOR_RUN_ISA_RE: \1 the base.
MONITOR_RUN_ISA_RE='^run: \[0x([0-9a-f]+), 0x[0-9a-f]+\) \(64 KiB, zone isa\)$'
MONITOR_RUN_NONE_RE='^run: no contiguous 60 GiB is free in zone any\.$'
# An ISA run above 64 KiB (run_args.c): one sentence, nothing from inside the frame manager.
MONITOR_RUN_ISA_MAX_RE='^run: an ISA run is at most 64 KiB, since ISA DMA cannot cross a 64 KiB boundary; '
# A run of 4 MiB without a zone; \1 the base.
MONITOR_RUN_4M_RE='^run: \[0x([0-9a-f]+), 0x[0-9a-f]+\) \(4 MiB, zone any\)$'
# help run (the details of run in cmd_runs.c): the isa line.
MONITOR_HELP_RUN_RE='^    isa    below 16 MiB, at most 64 KiB'
MONITOR_RUN_BAD_ZONE_RE="^run: 'floppy' is not a zone"
monitor_runs_re() { printf '^runs: \\[0x%s, ' "$1"; }
monitor_unrun_re() { printf '^unrun: gave back \\[0x%s, ' "$1"; }
MONITOR_UNRUN_NONE_RE='^unrun: no kept run starts at 0x'
# bench in src/monitor/cmd_system.c (the line of frame_bench_print() in src/kernel/frame_bench.c).
MONITOR_BENCH_RE='^bench: frame_alloc\+frame_free pair [0-9]+ cycles'
# frames_cycles in src/ktest/test_frames.c prints the same line with "ktest: ".
# power_off() in src/kernel/power.c, when the DSDT's \_S5 was read.
POWEROFF_S5_RE='^poweroff: ACPI S5 \(SLP_TYPa [0-7], SLP_TYPb [0-7]\) through PM1a_CNT 0x[0-9a-f]+$'
# fbdev_start() in src/kernel/fbdev.c; \1 width, \2 height, \3 bpp.
CONSOLE_FB_RE='^console: framebuffer ([0-9]+)x([0-9]+), ([0-9]+) bpp, pitch [0-9]+ at 0x[0-9a-f]+$'
# say_if_no_screen() in src/kernel/main.c, under UEFI without a usable framebuffer (a menu without
# GRUB's video drivers): that the screen stays dark, then how to get a framebuffer.
CONSOLE_NO_FB_RE='^console: no framebuffer: .* UEFI has no text screen, so the screen stays dark'
CONSOLE_NO_FB_HOW_RE='^console: to get one, .*insmod all_video.*gfxpayload='

# ---- the 32-bit trampoline's refusals: msg_no_long_mode, msg_no_multiboot in boot/entry.asm,
# ---- printed by fatal32 (COM1, and the VGA screen under BIOS) ----
# Not anchored: GRUB's last escape sequences may share the line.
REFUSAL_LONG_MODE_RE='frame64 needs a 64-bit \(x86_64\) processor; this CPU does not support long mode\.'
# What fits on one line of the 80-column screen (the whole sentence wraps there).
REFUSAL_SCREEN_TEXT='this CPU does not support long mode'
REFUSAL_MULTIBOOT_RE='^frame64 must be started by a multiboot2 boot loader'
# exc32_common in boot/entry.asm: an exception in the 32-bit entry (its own IDT), then the stop
# line; crash=entry32 raises #UD (6) there. Not anchored, like the refusal.
ENTRY32_EXCEPTION_RE='frame64: CPU exception [0-9]+ at eip 0x[0-9a-f]{8} in the 32-bit entry, before long mode\.'
ENTRY32_UD_CRASH_RE='frame64: CPU exception 6 at eip 0x[0-9a-f]{8} in the 32-bit entry, before long mode\.'

# ---- the fatal paths ----
# trap_dump() in src/arch/x86_64/idt.c: "EXCEPTION vector: name, error code 0x..."; 14 is #PF,
# 8 #DF.
# The crash detector takes the bare words (EXCEPTION, PANIC): better too much than too little.
EXCEPTION_RE='^EXCEPTION'
EXCEPTION_PAGE_FAULT_RE='^EXCEPTION 14: '
EXCEPTION_DOUBLE_FAULT_RE='^EXCEPTION 8: '
# panic_at() in src/kernel/panic.c: "PANIC at file:line: message".
PANIC_RE='^PANIC'
# ktest_crash_if_asked() in src/ktest/crash.c panics with this in its message.
PANIC_CRASH_RE='^PANIC at .*crash=panic'
# describe() and double_fault() in src/kernel/fault.c: the line before the dump of a fault in the
# kernel. crash=pagefault reads crash.c's UNMAPPED_ADDRESS, crash=null reads address 0, and
# crash=stack recurses on the boot stack until the page fault cannot be pushed (#DF).
KERNEL_PAGE_FAULT_CRASH_RE='^kernel: page fault: read of 0xffffc00000000000 at rip 0x[0-9a-f]+$'
KERNEL_NULL_CRASH_RE='^kernel: NULL pointer dereference: read of 0x0 at rip 0x[0-9a-f]+$'
# crash=panic-ap (src/ktest/crash.c's panic_on_cpu1): the panic happens on CPU 1, whose dump names
# it (trap_dump() in src/arch/x86_64/idt.c prints "  on CPU i of n"); the boot CPU is stopped.
PANIC_AP_CRASH_RE='^PANIC at .*crash=panic-ap'
# crash=nested: fault_in_fault() in src/arch/x86_64/idt.c names both faults, the inner one first.
PANIC_NESTED_CRASH_RE='^PANIC at .*: a fault in the fault path: #PF page fault \(error code 0x0, CR2 0x0\) at rip 0x[0-9a-f]+ while handling #BP breakpoint \(error code 0x0\) at rip 0x[0-9a-f]+$'
DUMP_ON_CPU1_RE='^  on CPU 1 of [0-9]+$'
KERNEL_STACK_CRASH_RE="^kernel: kernel stack overflow: stack 'boot' ran into its guard page at 0x[0-9a-f]+ \\(double fault; "
# The last line of exception_dispatch() (src/arch/x86_64/idt.c) and of panic_at() (src/kernel/panic.c).
STOPPED_RE='^frame64 stopped: '
STOPPED_SCREEN_TEXT='frame64 stopped: '
# stop() in src/kernel/main.c: a boot step failed, "frame64 cannot continue: what (error)."
CANNOT_CONTINUE_RE='^frame64 cannot continue: '
# The kernel halts after these: the harness need not wait for more.
HALTED_RE="$STOPPED_RE|$CANNOT_CONTINUE_RE"
# Anything that means the kernel crashed or gave up.
FATAL_RE="$EXCEPTION_RE|$PANIC_RE|$STOPPED_RE|$CANNOT_CONTINUE_RE|$REFUSAL_MULTIBOOT_RE|$ENTRY32_EXCEPTION_RE"

# Under UEFI the kernel must leave the (absent) VGA text buffer alone: none of its words there.
KERNEL_SCREEN_TEXT='frame64'

# ---- not the kernel's ----
# GRUB, each time it boots the first menu entry: twice means the machine was reset.
GRUB_BOOTING_TEXT='Booting `frame64'
# QEMU (its emulator log), when the host's KVM cannot run the guest.
QEMU_KVM_BROKEN_RE='KVM internal error|failed to set MSR|kvm_buf_set_msrs|failed to initialize kvm|Could not access KVM'
QEMU_KVM_PAUSED_TEXT='KVM internal error'

# ---- the other CPUs: smp_init() in src/kernel/smp.c, once, after the kernel stacks exist ----
# "smp: N of M CPUs online": N started (the boot CPU included), M usable in the MADT.
SMP_ONLINE_RE='^smp: ([0-9]+) of ([0-9]+) CPUs online$'
