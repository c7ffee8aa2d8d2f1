#!/usr/bin/env bash
# Prints the boot matrix table from the .result files boot_test.sh leaves in the given folder.
dir=${1:-build/boot-tests}
ls "$dir"/*.result >/dev/null 2>&1 || exit 0
echo
echo "Boot matrix:"
printf '  %-28s %-6s %6s  %s\n' configuration result secs detail
cat "$dir"/*.result | sort | while IFS=$'\t' read -r name result secs detail; do
    printf '  %-28s %-6s %6s  %s\n' "$name" "$result" "$secs" "$detail"
done
