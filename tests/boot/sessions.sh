# SPDX-License-Identifier: 0BSD
# Sourced by boot_test.sh: a person at the monitor, imitated. Each session types commands (on
# COM1, or on the PS/2 keyboard through QEMU's sendkey), waits for the answer and the next prompt
# on COM1, and checks the answer against patterns.sh. A session returns 0 with a summary in
# session_summary, or 1 with the reason in session_why.
#   session_serial    every monitor command and the bad inputs, over COM1 (fd 8 writes to it)
#   session_keyboard  typing on the keyboard (shift, history), the framebuffer showing it, poweroff
#   session_procs     programs started from the monitor (exec), ps and kill (needs --programs)

session_summary="" session_why="" reply="" asked=0

# converse SECONDS DATA: sends DATA (a whole line with its CR, or key names for sendkey when
# DATA starts with "keys:") and waits until COM1 shows the prompt again after it; the text in
# between lands in reply. Return: 1 if the prompt did not come back in time.
converse() {
    local secs=$1 data=$2 mark deadline k
    mark=$(stat -c %s "$log")
    if [[ $data == keys:* ]]; then
        for k in ${data#keys:}; do echo "sendkey $k" >&7; done
    else
        printf '%s' "$data" >&8
    fi
    deadline=$(( $(date +%s) + secs ))
    while :; do
        reply=$(tail -c +$((mark + 1)) "$log" | tr -d '\r' | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g')
        # The prompt may be followed by a background program's lines (session_procs).
        [[ $reply == *$'\n'"$MONITOR_PROMPT_TEXT"* ]] && return 0
        emulator_alive || return 1
        [ "$(date +%s)" -ge "$deadline" ] && return 1
        sleep 0.2
    done
}

# ask LINE RE [SECONDS]: types LINE on COM1; the answer must hold a line matching RE. The first
# matching line lands in answer.
ask() {
    local line=$1 re=$2 secs=${3:-30}
    asked=$((asked + 1))
    if ! converse "$secs" "$line"$'\r'; then
        session_why="after '${line:0:40}' the prompt did not come back within ${secs}s: $(tail -3 <<<"$reply" | tr '\n' '|')"
        return 1
    fi
    answer=$(grep -a -m1 -E "$re" <<<"$reply") || {
        session_why="after '${line:0:40}' no line matched /$re/; the monitor said: $(head -4 <<<"$reply" | tr '\n' '|')"
        return 1
    }
}

# Every command the issue lists and every bad input it names, with the answer each must get.
session_serial() {
    local name first last base n reserved kern
    ask help "$MONITOR_HELP_LINE_RE" || return 1
    for name in $MONITOR_COMMANDS; do
        grep -aqE "^  $name( |\$)" <<<"$reply" || { session_why="help does not list '$name'"; return 1; }
    done
    ask "help run" "$MONITOR_HELP_RUN_RE" || return 1
    ask mem "$MEMMAP_TOTALS_RE" || return 1
    ask frames "$FRAMES_RE" || return 1
    # Up arrow (ESC [ A) brings back "frames".
    ask $'\e[A' "$FRAMES_RE" || return 1
    ask map "$MONITOR_MAP_RE" || return 1
    grep -aqE "$MONITOR_MAP_STRIP_RE" <<<"$reply" || { session_why="map printed no strip of 64 letters"; return 1; }
    grep -aqE "$MONITOR_MAP_LEGEND_KERNEL_RE" <<<"$reply" || { session_why="map's legend has no kernel line"; return 1; }
    ask "alloc 3" "$MONITOR_ALLOC_RE" || return 1
    [[ $answer =~ $MONITOR_ALLOC_RE ]] && first=${BASH_REMATCH[2]} last=${BASH_REMATCH[3]}
    ask "whoowns 0x$last" "$MONITOR_WHOOWNS_HELD_RE" || return 1
    ask "free 0x$last" "$(monitor_freed_one_re "$last" 2)" || return 1
    ask "free 0x$last" "$MONITOR_FREE_NOT_HELD_RE" || return 1
    ask "whoowns 0x$last" "$MONITOR_WHOOWNS_FREE_RE" || return 1
    ask free "^free: gave back 2 frame\\(s\\)$" || return 1
    ask "whoowns 0x200000" "$MONITOR_WHOOWNS_KERNEL_RE" || return 1
    ask "run 64K isa" "$MONITOR_RUN_ISA_RE" || return 1
    [[ $answer =~ $MONITOR_RUN_ISA_RE ]] && base=${BASH_REMATCH[1]}
    ask runs "$(monitor_runs_re "$base")" || return 1
    ask "whoowns 0x$base" "$MONITOR_WHOOWNS_RUN_RE" || return 1
    ask "ktest" "^ktest: the tests need all memory back" || return 1
    ask "unrun 0x$base" "$(monitor_unrun_re "$base")" || return 1
    ask "unrun 0x$base" "$MONITOR_UNRUN_NONE_RE" || return 1
    # Issue 16: more than an ISA run can be gets one sentence, nothing from the frame manager.
    ask "run 128K isa" "$MONITOR_RUN_ISA_MAX_RE" || return 1
    ! grep -aq '^frame_alloc_run' <<<"$reply" || { session_why="run 128K isa printed the frame manager's own line"; return 1; }
    ask "run 60G any" "$MONITOR_RUN_NONE_RE" || return 1
    ask "run 4K floppy" "$MONITOR_RUN_BAD_ZONE_RE" || return 1
    # More than is free: all of it comes, with a sentence; then all of it goes back.
    ask "alloc 1G" "$MONITOR_ALLOC_ONLY_RE" 120 || return 1
    grep -aqE "$MONITOR_ALLOC_RE" <<<"$reply" || { session_why="alloc 1G allocated nothing"; return 1; }
    [[ $(grep -a -m1 -E "$MONITOR_ALLOC_RE" <<<"$reply") =~ $MONITOR_ALLOC_RE ]] && n=${BASH_REMATCH[1]}
    ask free "^free: gave back $n frame\\(s\\)$" 120 || return 1
    # Issue 16, after every frame went round: mem's kernel/boot is part of what frames calls
    # reserved (the pool's frames are not kernel/boot), and a run without a zone comes from at or
    # above 16 MiB, not from the ISA memory the frees gave back to the region list.
    ask frames "$FRAMES_RESERVED_RE" || return 1
    [[ $answer =~ $FRAMES_RESERVED_RE ]] && reserved=$(size_mib "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}")
    ask mem "$MEMMAP_TOTALS_POOL_RE" || return 1
    [[ $answer =~ $MEMMAP_TOTALS_POOL_RE ]] && kern=$(size_mib "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}")
    awk -v k="$kern" -v r="$reserved" 'BEGIN { exit !(k <= r + 0.1) }' ||
        { session_why="after freeing everything mem says ${kern} MiB kernel/boot, frames only ${reserved} MiB reserved"; return 1; }
    ask "run 4M" "$MONITOR_RUN_4M_RE" || return 1
    [[ $answer =~ $MONITOR_RUN_4M_RE ]] && base=${BASH_REMATCH[1]}
    [ $((16#$base)) -ge $((16 * 1024 * 1024)) ] ||
        { session_why="run 4M took [0x$base, ...) below 16 MiB while the frame pool had memory above"; return 1; }
    ask "unrun 0x$base" "$(monitor_unrun_re "$base")" || return 1
    ask xyz "$MONITOR_UNKNOWN_RE" || return 1
    ask alloc "$MONITOR_USAGE_RE" || return 1
    ask "alloc 12x" "$MONITOR_NOT_NUMBER_RE" || return 1
    ask "alloc 0" "$MONITOR_ALLOC_ZERO_RE" || return 1
    ask "$(printf 'x%.0s' $(seq 200))" "$MONITOR_TOO_LONG_RE" || return 1
    ask bench "$MONITOR_BENCH_RE" 120 || return 1
    ask ktest "$KTEST_ALL_PASSED_RE" 600 || return 1
    session_why=$(check_ktest_quiet <<<"$reply") || return 1
    ask frames "$FRAMES_RE" || return 1
    session_summary="$asked answers checked"
}

# serial_count RE: how many lines of COM1 match RE so far.
serial_count() {
    tr -d '\r' < "$log" | grep -acE "$1"
}

# wait_serial RE SECONDS SEEN: waits until COM1 has shown more than SEEN lines matching RE (a
# program's end line, which comes while the monitor waits at its prompt). Return: 1 if it did
# not come in time.
wait_serial() {
    local re=$1 deadline=$(( $(date +%s) + $2 )) seen=$3
    until [ "$(serial_count "$re")" -gt "$seen" ]; do
        emulator_alive && [ "$(date +%s)" -lt "$deadline" ] || return 1
        sleep 0.3
    done
}

# Processes from the monitor: a program started in the background shows in ps with its
# children and ends by itself; another is killed with kill; frames come back to where they were.
session_procs() {
    local pid ended killed
    ended=$(serial_count "exec forks: exit status 0$")
    killed=$(serial_count "exec forks: killed: SIGKILL \\(signal 9\\)$")
    ask "exec nosuch" "^exec: no module runs a program named nosuch" || return 1
    ask "kill 4000000" "^kill: no living process 4000000" || return 1
    ask "exec forks preempt 300" "^exec: forks started as process [0-9]+$" || return 1
    ask ps "^ +PID +PPID +STATE +CPU +PRIVATE +COW +SHARED +HUGE +TABLES +NAME$" || return 1
    grep -aqE "^ +[0-9]+ +[0-9]+ +(run|ready|sleep) +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+  forks$" <<<"$reply" ||
        { session_why="ps did not list forks running: $(tr '\n' '|' <<<"$reply" | head -c 300)"; return 1; }
    wait_serial "exec forks: exit status 0$" 120 "$ended" ||
        { session_why="forks preempt started from the monitor did not end with status 0"; return 1; }
    # The forks ran through the CPUs' frame caches: the all row has counts and hit rates.
    ask caches "$MONITOR_CACHES_ALL_RE" || return 1
    ask "exec forks kill 100000" "^exec: forks started as process [0-9]+$" || return 1
    pid=$(sed -nE 's/^exec: forks started as process ([0-9]+)$/\1/p' <<<"$answer")
    ask "kill $pid" "^kill: signal 9 sent to process $pid$" || return 1
    wait_serial "exec forks: killed: SIGKILL \(signal 9\)$" 60 "$killed" ||
        { session_why="forks killed from the monitor did not end by SIGKILL"; return 1; }
    for _ in 1 2 3 4 5; do # its child ends with it (kill ends the group), on another CPU maybe
        ask ps "^ps: [0-9]+ processes" || return 1
        grep -aqE "^ps: 0 processes" <<<"$reply" && break
        sleep 1
    done
    grep -aqE "^ps: 0 processes" <<<"$reply" ||
        { session_why="processes left after the kill: $(tr '\n' '|' <<<"$reply" | head -c 300)"; return 1; }
    ask frames "$FRAMES_RE" || return 1
    session_summary="$asked answers checked"
}

# Typing on the keyboard: a command, a capital X with shift, the history, and poweroff, with the
# framebuffer checked where there is one.
session_keyboard() {
    local shot="$out/$name.kbd.ppm" line
    ask_keys() { # WORDS RE: types WORDS and Enter on the keyboard; RE must answer
        asked=$((asked + 1))
        converse 30 "keys:$(keys_of "$1") ret" ||
            { session_why="after typing '$1' the prompt did not come back: $(tail -3 <<<"$reply" | tr '\n' '|')"; return 1; }
        grep -aqE "$2" <<<"$reply" ||
            { session_why="after typing '$1' no line matched /$2/: $(head -3 <<<"$reply" | tr '\n' '|')"; return 1; }
    }
    ask_keys frames "$FRAMES_RE" || return 1
    asked=$((asked + 1))
    converse 30 "keys:up ret" && grep -aqE "$FRAMES_RE" <<<"$reply" ||
        { session_why="Up and Enter on the keyboard did not repeat 'frames'"; return 1; }
    ask_keys "whoowns 0X200000" "$MONITOR_WHOOWNS_KERNEL_RE" || return 1
    if [ "$screen" != text ]; then
        fb_dump "$shot" || { session_why="no screenshot after typing"; return 1; }
        line=$(check_fb_screen "$shot" "$screencmp" "${MONITOR_PROMPT_TEXT}whoowns 0X200000") ||
            { session_why="$line"; return 1; }
        session_summary="typed text on the framebuffer; "
    fi
    # poweroff: QEMU must leave by itself (checked by check_monitor).
    echo "sendkey p" >&7
    for k in $(keys_of oweroff) ret; do echo "sendkey $k" >&7; done
    session_summary+="$asked answers to typed commands"
}
