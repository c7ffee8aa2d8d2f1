#!/bin/sh
# SPDX-License-Identifier: 0BSD
# example.plain-*: builds an example with the one-line compiler command docs/reuse.md gives (the
# line after the marker "plain-build: NAME"), as the document shows it but for the compiler, the
# output directory, -Werror and any extra flags, then runs it. Exits with the example's status.
#
#   plain_build.sh CC OUTDIR NAME [FLAGS...]    NAME: memmap or threads
set -eu
cc=$1 out=$2 name=$3
shift 3
root=$(cd "$(dirname "$0")/.." && pwd)
line=$(grep -A3 "plain-build: $name" "$root/docs/reuse.md" | grep -m1 '^cc ') || {
    echo "plain_build.sh: docs/reuse.md has no command after \"plain-build: $name\""
    exit 1
}
case $line in
*" -o $name") ;;
*)
    echo "plain_build.sh: the command for $name does not end in -o $name: $line"
    exit 1
    ;;
esac
mkdir -p "$out"
cmd="$cc -Werror $* ${line#cc }"
cmd="${cmd% -o $name} -o $out/$name"
echo "$cmd"
cd "$root"
eval "$cmd"
"$out/$name"
