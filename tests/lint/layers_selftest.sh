#!/usr/bin/env bash
# SPDX-License-Identifier: 0BSD
# Self-test of lint.layers: layers.sh must pass a tree that keeps the rule and fail, naming the
# file and the rule, each tree broken one way (a file of one layer including what it may not).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

# tree NAME PATH INCLUDE: a one-file tree whose PATH includes <INCLUDE>.
tree() {
    mkdir -p "$tmp/$1/$(dirname "$2")"
    printf '/* SPDX-License-Identifier: 0BSD */\n#include <frame64/types.h>\n#include <%s>\n' "$3" >"$tmp/$1/$2"
}
# expect pass|fail NAME "text the output must contain"
expect() {
    local out status
    out=$("$here/layers.sh" "$tmp/$2")
    status=$?
    if { [ "$1" = pass ] && [ "$status" = 0 ]; } || { [ "$1" = fail ] && [ "$status" = 1 ]; }; then
        if [[ $out == *"$3"* ]]; then
            echo "ok: $2 -> $1: $(head -1 <<<"$out")"
            return
        fi
    fi
    echo "WRONG: $2 exited $status with \"$out\"; expected $1 with \"$3\""
    failures=$((failures + 1))
}

tree good-lib src/mm/a.c frame64/panic.h
tree good-dev src/dev/a.c arch/cpu.h
tree good-kernel src/kernel/a.c frame64/kmap.h
tree lib-kernel src/mm/a.c frame64/kmap.h
tree lib-arch src/lib/a.c frame64/arch.h
tree dev-kernel src/dev/a.c frame64/kernel.h
tree dev-percpu src/dev/a.c arch/percpu.h
tree arch-console src/arch/x86_64/a.c frame64/console.h
tree arch-kernel src/arch/x86_64/a.c frame64/kmap.h
tree good-user src/vdso/a.c frame64/vclock.h
tree user-service src/vdso/a.c frame64/kprintf.h
tree unclassified src/lib/a.c frame64/nothing.h
tree nowhere src/newdir/a.c frame64/types.h
expect pass good-lib "every one allowed"
expect pass good-dev "every one allowed"
expect pass good-kernel "every one allowed"
expect fail lib-kernel "src/mm/a.c:3: the lib layer includes <frame64/kmap.h> (kernel)"
expect fail lib-arch "src/lib/a.c:3: the lib layer includes <frame64/arch.h> (arch)"
expect fail dev-kernel "src/dev/a.c:3: the dev layer includes <frame64/kernel.h> (kernel)"
expect fail dev-percpu "src/dev/a.c:3: the dev layer includes <arch/percpu.h> (arch)"
expect fail arch-console "src/arch/x86_64/a.c:3: the arch layer includes <frame64/console.h> (devif)"
expect fail arch-kernel "src/arch/x86_64/a.c:3: the arch layer includes <frame64/kmap.h> (kernel)"
expect pass good-user "every one allowed"
expect fail user-service "src/vdso/a.c:3: the user layer includes <frame64/kprintf.h> (service)"
expect fail unclassified "src/lib/a.c:3: <frame64/nothing.h> has no class"
expect fail nowhere "src/newdir/a.c: in no layer"
if [ "$failures" -gt 0 ]; then
    echo "layers_selftest: $failures case(s) went the wrong way"
    exit 1
fi
echo "layers_selftest: the rule passed the good trees and failed each broken one"
