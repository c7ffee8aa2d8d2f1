# SPDX-License-Identifier: 0BSD
# Sourced by checks.sh: the rule for the test programs the kernel runs from "exec" modules
# (boot_test.sh --programs), with the conventions of checks.sh: the serial text on standard input,
# one line out, the verdict as the return status. The lines it looks for are in patterns.sh.
#
# The runs file (tests/boot/CMakeLists.txt writes build/tests/boot/program_runs.txt from the runs
# tests/programs/CMakeLists.txt declares) has one run a line, in the order the image carries
# them, four fields separated by tabs:
#   ID  PROGRAM-FILE  HOST-REFERENCE  ARGV
# ARGV is what follows "exec" on the module's GRUB line, argv[0] (the program's name) first; the
# host reference is the file refrun wrote on the Linux host: "status: exit N" or "status: signal
# SIGSEGV|SIGILL|SIGFPE", then the program's stdout verbatim.

# program_lines_differ GOT WANT: prints where the array named GOT (what COM1 showed) first differs
# from the array named WANT (what the host printed) and returns 0, or returns 1 if they are equal.
program_lines_differ() {
    local -n got_=$1 want_=$2
    local k
    for ((k = 0; k < ${#got_[@]} || k < ${#want_[@]}; k++)); do
        if [ "$k" -ge "${#got_[@]}" ]; then
            echo "the host's line $((k + 1)) \"${want_[k]}\" is missing"
        elif [ "$k" -ge "${#want_[@]}" ]; then
            echo "COM1 shows line $((k + 1)) \"${got_[k]}\" that the host did not print"
        elif [ "${got_[k]}" != "${want_[k]}" ]; then
            echo "line $((k + 1)) is \"${got_[k]}\" where the host printed \"${want_[k]}\""
        else
            continue
        fi
        return 0
    done
    return 1
}

# program_ending_ok want why: the kill reason or exit status on a program's last line (the text
# after "exec NAME: ") is the ending want stands for: "exit N" (the host's), "signal SIG..." (the
# host's), "oom" (frame64's own for the oom program), or "frame64 exit N" / "frame64 killed" (a
# run for frame64 alone, tests/programs/CMakeLists.txt: its exit status, or any kill but for want
# of memory). Prints, on failure, what was expected.
program_ending_ok() {
    local want=$1 line=$2 why=""
    [[ "exec x: $line" =~ $PROG_KILLED_RE ]] && why=${BASH_REMATCH[2]}
    case $want in
    "exit "*|"frame64 exit "*)
        want=${want#frame64 }
        [[ "exec x: $line" =~ $PROG_EXIT_RE ]] && [ "${BASH_REMATCH[2]}" = "${want#exit }" ] && return 0
        echo "\"exit status ${want#exit }\"" ;;
    "frame64 killed")
        [ -n "$why" ] && ! [[ $why =~ $USER_OUT_OF_MEMORY_RE ]] && return 0
        echo "a kill line (not out of memory)" ;;
    "signal SIGSEGV")
        # The host's SIGSEGV was a bad access: a page fault for want of frames is not one.
        if [[ $why =~ $USER_PAGE_FAULT_RE ]] && ! [[ $why =~ $USER_OUT_OF_MEMORY_RE ]]; then return 0; fi
        [[ $why =~ $USER_GP_FAULT_RE ]] && return 0
        echo "a kill by a page fault (not out of memory) or a general protection fault" ;;
    "signal SIGILL")
        [[ $why =~ $USER_INVALID_OPCODE_RE ]] && return 0
        echo "a kill by an invalid opcode" ;;
    "signal SIGFPE")
        [[ $why =~ $USER_FP_ERROR_RE ]] && return 0
        echo "a kill by a divide error or a floating-point error" ;;
    "signal SIGTRAP")
        [[ $why =~ $USER_TRAP_RE ]] && return 0
        echo "a kill by a debug trap or a breakpoint" ;;
    "signal SIGBUS")
        [[ $why =~ $USER_BUS_RE ]] && return 0
        echo "a kill by a stack-segment fault or an alignment check" ;;
    oom)
        [[ $why =~ $USER_OUT_OF_MEMORY_RE ]] && return 0
        echo "a kill by a page fault \"(out of memory)\"" ;;
    *)
        echo "an ending the harness knows (the reference says \"$want\")" ;;
    esac
    return 1
}

# check_programs runs: the runs of the runs file ran in that order, the first one right after the
# W^X audit line, each as it did on the Linux host, then the summary, before any ktest line:
# - between the line before it (the audit line, or the previous program's last line) and its own
#   "exec NAME: ..." line, COM1 shows exactly the lines the program wrote to stdout on the host;
# - its last line matches the reference's ending: "exit N" is "exit status N"; SIGSEGV a kill by a page
#   fault (but not "out of memory") or a general protection fault; SIGILL "invalid opcode";
#   SIGFPE a divide or floating-point error; SIGTRAP a debug trap or breakpoint; SIGBUS a
#   stack-segment fault or alignment check. A refusal never matches (refrun found the file
#   loadable). A run for frame64 alone ("status: frame64 ...", written by CMake, not the host)
#   must print its reference's lines and end as it says;
# - then "exec: P programs, E exited, K killed; frames leaked: 0", P the runs, E and K as counted.
# Where frame64 legitimately differs, and only there:
# - the kernel's "oom: memory ran out ..." line, when it kills a process for memory, comes
#   between a program's lines: it is not the program's, and is left out of the comparison.
# - oom: the host run has an address-space limit and exits 2 ("mmap refused"); frame64 must kill
#   it with "out of memory". Its first line must be the host's; any more, progress lines.
# - without NX (no ", NX" in the banner) a data page is executable: die_nx and a churn run whose
#   first line announces "then execute a data page" print the host's lines, then their "still
#   alive" line, and exit with that status (patterns.sh, from the programs' sources); so does
#   "attack mprotect-text", whose code page, made read-only, stays executable.
# Prints "P programs as on the host (E exited, K killed...), frames leaked: 0".
check_programs() {
    local runs=$1 text nx=0 i=0 n p=0 e=0 k=0 notes=""
    local -a lines want got
    text=$(cat)
    mapfile -t lines <<<"$text"
    n=${#lines[@]}
    [ -r "$runs" ] || { echo "no runs file $runs (tests/boot/CMakeLists.txt writes it)"; return 1; }
    grep -aqE "$LONG_MODE_NX_RE" <<<"$text" && nx=1
    while [ "$i" -lt "$n" ] && ! [[ ${lines[i]} =~ $WX_AUDIT_ANY_RE ]]; do i=$((i + 1)); done
    [ "$i" -lt "$n" ] || { echo "no \"vm: W^X audit ...\" line, after which the programs run"; return 1; }
    local before=$i
    i=$((i + 1))
    local id prog ref argv name status ending j last diff expected
    while IFS=$'\t' read -r id prog ref argv; do
        [ -n "$id" ] || continue
        p=$((p + 1))
        name=${argv%% *}
        [ -r "$ref" ] || { echo "$id: no host reference $ref (ctest -R programs.$id writes it)"; return 1; }
        mapfile -t want <"$ref"
        status=${want[0]#status: }
        want=("${want[@]:1}")
        ending=$status
        if [ "$name" = oom ]; then
            [ "$status" = "exit 2" ] ||
                { echo "$id: the host reference ends \"$status\", the rule for oom expects exit 2 (mmap refused under its limit)"; return 1; }
            ending=oom
            notes+=", $id out of memory"
        elif [ "$nx" = 0 ] && [ "$status" = "signal SIGSEGV" ] && [ "$name" = die_nx ]; then
            want+=("$DIE_NX_ALIVE_TEXT")
            ending="exit $DIE_NX_ALIVE_STATUS"
            notes+=", $id ran its data page (no NX)"
        elif [ "$nx" = 0 ] && [ "$status" = "signal SIGSEGV" ] && [ "$name" = churn ] &&
             [[ ${want[0]-} == *"$CHURN_EXEC_ENDING_TEXT" ]]; then
            want+=("$CHURN_ALIVE_TEXT")
            ending="exit $CHURN_ALIVE_STATUS"
            notes+=", $id ran its data page (no NX)"
        elif [ "$nx" = 0 ] && [ "$status" = "signal SIGSEGV" ] && [ "$argv" = "$ATTACK_READONLY_TEXT_ARGV" ]; then
            want+=("$ATTACK_READONLY_TEXT_ALIVE_TEXT")
            ending="exit 0"
            notes+=", $id ran its read-only code (no NX)"
        fi
        # The program's own lines end at the next line of proc_report() or proc_run_modules().
        j=$i
        while [ "$j" -lt "$n" ] && ! [[ ${lines[j]} =~ $PROG_ANY_RE ]]; do j=$((j + 1)); done
        [ "$j" -lt "$n" ] || { echo "$id (exec $argv): no \"exec $name: ...\" line ended it"; return 1; }
        last=${lines[j]}
        [[ $last == "exec $name: "* ]] ||
            { echo "$id (exec $argv): the next kernel line is \"$last\", expected \"exec $name: ...\""; return 1; }
        if [[ $last =~ $PROG_REFUSED_RE ]]; then
            echo "$id (exec $argv): $last (the host ran it)"
            return 1
        fi
        got=()
        local line
        for line in "${lines[@]:i:j-i}"; do
            # The kernel's line when it kills for memory comes between a program's own lines.
            [[ $line =~ $OOM_KILL_RE ]] || got+=("$line")
        done
        if [ "$ending" = oom ]; then
            local first=("${got[@]:0:1}") wfirst=("${want[@]:0:1}") l
            if diff=$(program_lines_differ first wfirst); then
                echo "$id: before \"$last\", $diff"
                return 1
            fi
            for l in "${got[@]:1}"; do
                [[ $l =~ $OOM_PROGRESS_RE ]] ||
                    { echo "$id: before \"$last\", COM1 shows \"$l\", not a progress line like \"oom: 64 MiB touched\""; return 1; }
            done
        elif diff=$(program_lines_differ got want); then
            echo "$id: before \"$last\", $diff"
            return 1
        fi
        if ! expected=$(program_ending_ok "$ending" "${last#"exec $name: "}"); then
            echo "$id: \"$last\", expected $expected"
            return 1
        fi
        [[ $last =~ $PROG_KILLED_RE ]] && k=$((k + 1)) || e=$((e + 1))
        i=$((j + 1))
    done <"$runs"
    [ "$p" -gt 0 ] || { echo "the runs file $runs lists no runs"; return 1; }
    local summary=${lines[i]-}
    [[ $summary =~ $PROG_SUMMARY_RE ]] ||
        { echo "after the last program COM1 shows \"$summary\", expected \"exec: $p programs, ...\""; return 1; }
    [ "${BASH_REMATCH[1]}" = "$p" ] && [ "${BASH_REMATCH[2]}" = "$e" ] && [ "${BASH_REMATCH[3]}" = "$k" ] ||
        { echo "\"$summary\", but of the $p runs $e exited and $k were killed"; return 1; }
    if [ "${BASH_REMATCH[4]}" != 0 ]; then
        local detail=${lines[i + 1]-}
        [[ $detail =~ $PROG_HOLDINGS_RE ]] || detail=""
        echo "$summary${detail:+ ($detail)}"
        return 1
    fi
    for ((j = 0; j < before; j++)); do
        [[ ${lines[j]} =~ $KTEST_ANY_RE ]] && { echo "ktest printed \"${lines[j]}\" before the programs ran"; return 1; }
    done
    echo "$p programs as on the host ($e exited, $k killed$notes), frames leaked: 0"
}
