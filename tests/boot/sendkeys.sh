# SPDX-License-Identifier: 0BSD
# Sourced by the tests that type on the PS/2 keyboard through QEMU's sendkey (boot_test.sh's
# sessions, tests/shell/keyboard_test.sh).

# keys_of TEXT: the sendkey names that type TEXT on a US keyboard (letters, digits, space,
# capitals with shift, and the few signs the tests type). Return: 1 for a character it has no key
# for (said on stderr).
keys_of() {
    local s=$1 i c out=""
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case $c in
        [a-z0-9]) out+=" $c" ;;
        [A-Z]) out+=" shift-${c,,}" ;;
        ' ') out+=" spc" ;;
        /) out+=" slash" ;;
        -) out+=" minus" ;;
        .) out+=" dot" ;;
        '|') out+=" shift-backslash" ;;
        '$') out+=" shift-4" ;;
        '?') out+=" shift-slash" ;;
        *) echo "keys_of: no key for '$c'" >&2; return 1 ;;
        esac
    done
    echo "$out"
}
