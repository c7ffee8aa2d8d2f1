# SPDX-License-Identifier: 0BSD
# Sourced by boot_test.sh: starts, watches and ends QEMU or Bochs for one configuration.
#   emulator_start      boots $iso as set up by the options; COM1 goes to $log, messages to $elog
#   emulator_alive      still running?
#   emulator_finish     ends it if it still runs; sets alive (1: it was running) and status
#   emulator_stop       ends whatever is left (the EXIT trap)
#   serial_text         COM1 so far, without carriage returns and terminal escapes
#   screen_dump FILE    QEMU only: saves the VGA text buffer (0xB8000, 80x25 cells) to FILE
#   fb_dump FILE        QEMU only: saves what the display shows (QEMU's screendump, PPM) to FILE
# With --session serial (or procs), COM1 is a pair of FIFOs: the harness writes what it types to fd 8.

emu_pid="" reader_pid=""

serial_text() { tr -d '\r' < "$log" 2>/dev/null | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g'; }

# Prints a size such as 512M, 3G or 4096 (QEMU's default unit, MiB) in MiB.
mem_mib() {
    case $1 in
    *[Gg]) echo $(( ${1%[Gg]} * 1024 )) ;;
    *[Mm]) echo "${1%[Mm]}" ;;
    *) echo "$1" ;;
    esac
}

qemu_start() {
    local accel_arg=$accel
    [ "$smp" -gt 1 ] && [ "$accel" = tcg ] && accel_arg="tcg,thread=multi" # one host thread a CPU
    local args=(-M "$machine" -accel "$accel_arg" -smp "$smp" -cpu "${cpu:-qemu64}" -m "$mem" -display none
                -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04
                -snapshot)
    if [ "$noserial" = 1 ]; then
        args+=(-serial none)
    elif [ "$session" = serial ] || [ "$session" = procs ]; then
        # QEMU reads NAME.com1.in and writes NAME.com1.out; both ends are held open read-write
        # here, so nobody blocks on the other.
        rm -f "$out/$name.com1.in" "$out/$name.com1.out"
        mkfifo "$out/$name.com1.in" "$out/$name.com1.out"
        exec 8<>"$out/$name.com1.in"
        exec 9<>"$out/$name.com1.out"
        cat <&9 > "$log" &
        reader_pid=$!
        exec 9<&-
        args+=(-serial "pipe:$out/$name.com1")
    else
        args+=(-serial "file:$log")
    fi
    [ -n "$vga" ] && args+=(-vga "$vga")
    # A NIC on user-mode networking with restrict=on: present on the bus, reaching nothing.
    [ -n "$nic" ] && args+=(-nic "user,model=$nic,restrict=on")
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
    ahci)
        # The CD on an AHCI controller (q35's own ICH9 one, an added one on pc), as VirtualBox does.
        [ "$machine" = pc ] && args+=(-device ahci,id=ahci)
        args+=(-drive "if=none,id=cd,file=$iso,format=raw,media=cdrom,readonly=on"
               -device "ide-cd,bus=$([ "$machine" = pc ] && echo ahci || echo ide).0,drive=cd,bootindex=1") ;;
    usb)
        # UHCI on the i440FX board (what it had), xHCI on q35.
        if [ "$machine" = pc ]; then
            args+=(-device piix3-usb-uhci,id=usbc)
        else
            args+=(-device qemu-xhci,id=usbc)
        fi
        args+=(-device "usb-storage,bus=usbc.0,drive=stick,bootindex=1"
               -drive "if=none,id=stick,file=$iso,format=raw") ;;
    *) echo "unknown media $media" >&2; exit 2 ;;
    esac
    # The monitor reads a FIFO this script keeps open read-write on fd 7 (so neither side blocks):
    # screen_dump() asks it for the text screen. Nothing listens on the network.
    rm -f "$out/$name.monitor"
    mkfifo "$out/$name.monitor"
    exec 7<>"$out/$name.monitor"
    args+=(-monitor stdio)
    echo "qemu-system-x86_64 ${args[*]}" >> "$elog"
    qemu-system-x86_64 "${args[@]}" <&7 >> "$elog" 2>&1 &
    emu_pid=$!
}

screen_dump() {
    [ "$machine" = bochs ] && return 1
    rm -f "$1"
    echo "pmemsave 0xb8000 4000 \"$1\"" >&7
    local i
    for i in $(seq 20); do
        [ "$(stat -c %s "$1" 2>/dev/null)" = 4000 ] && return 0
        sleep 0.1
    done
    return 1
}

fb_dump() {
    [ "$machine" = bochs ] && return 1
    rm -f "$1"
    echo "screendump \"$1\"" >&7
    local i last=-1 size
    for i in $(seq 40); do
        size=$(stat -c %s "$1" 2>/dev/null || echo -1)
        [ "$size" -gt 0 ] && [ "$size" = "$last" ] && return 0 # written and no longer growing
        last=$size
        sleep 0.1
    done
    return 1
}

# Bochs: SeaBIOS is not its BIOS (bochsbios is), the ISO is a CD on the secondary ATA channel,
# the screen is an RFB server nobody needs to join, and COM1 is a TCP server this script reads
# live (its file-backed COM1 is written out only when Bochs exits). Its Debian build stops at a
# debugger prompt first: "c" on standard input continues.
bochs_start() {
    [ "$firmware" = bios ] && [ "$media" = cd ] || { echo "Bochs runs only --firmware bios --media cd" >&2; exit 2; }
    local rc="$out/$name.bochsrc" try port fd
    for try in 1 2 3 4 5; do
        port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
        cat > "$rc" <<EOF
megs: $(mem_mib "$mem")
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
ata1: enabled=1, ioaddr1=0x170, ioaddr2=0x370, irq=15
ata1-master: type=cdrom, path="$iso", status=inserted
boot: cdrom
com1: enabled=1, mode=socket-server, dev=127.0.0.1:$port
display_library: rfb, options="timeout=0"
speaker: enabled=0
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
log: $out/$name.bochs.log
panic: action=fatal
error: action=report
cpu: count=$smp$([ -n "$cpu" ] && echo ", model=$cpu")
EOF
        printf 'c\n' > "$out/$name.bochs.in"
        echo "bochs -q -f $rc (COM1 on 127.0.0.1:$port)" >> "$elog"
        bochs -q -f "$rc" < "$out/$name.bochs.in" >> "$elog" 2>&1 &
        emu_pid=$!
        # Bochs waits for the client before it runs; connect as soon as it listens.
        local i
        for i in $(seq 100); do
            kill -0 "$emu_pid" 2>/dev/null || break
            if exec {fd}<>"/dev/tcp/127.0.0.1/$port"; then
                cat <&"$fd" > "$log" &
                reader_pid=$!
                exec {fd}<&-
                return 0
            fi 2>/dev/null
            sleep 0.1
        done
        emulator_stop # the port was taken, or Bochs did not come up: try another port
    done
    return 1
}

emulator_start() {
    if [ "$machine" = bochs ]; then bochs_start; else qemu_start; fi
}

emulator_alive() { kill -0 "$emu_pid" 2>/dev/null; }

emulator_finish() {
    status=""
    if emulator_alive; then
        alive=1
        emulator_stop
    else
        alive=0
        wait "$emu_pid"; status=$?
        emu_pid=""
        if [ -n "$reader_pid" ]; then # let the reader drain what Bochs sent last
            sleep 0.5
            emulator_stop
        fi
    fi
}

emulator_stop() {
    rm -f "$out/$name.monitor"
    if [ -n "$emu_pid" ]; then
        kill "$emu_pid" 2>/dev/null
        wait "$emu_pid" 2>/dev/null
        emu_pid=""
    fi
    if [ -n "$reader_pid" ]; then
        kill "$reader_pid" 2>/dev/null
        wait "$reader_pid" 2>/dev/null
        reader_pid=""
    fi
}
