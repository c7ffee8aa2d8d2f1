#!/usr/bin/env bash
# SPDX-License-Identifier: 0BSD
# lint.layers: the kernel's layering rule (docs/architecture.md), checked on every #include.
#
#   layers.sh [ROOT]     checks ROOT (default: the repository); prints one line per violation
#                        and exits 1 if there is any, else prints a summary and exits 0.
#
# Every C file under src/ belongs to a layer by its path, every header it includes to a class;
# a layer may include only the classes listed for it:
#   lib     pure libraries: std, lib, service
#   arch    the CPU (src/arch/x86_64): std, lib, service, arch
#   dev     device drivers (src/dev): std, lib, service, devif, and <arch/cpu.h> (port I/O) only
#   kernel  glue, processes, monitor, ktests: everything
#   user    code that runs in ring 3, the vDSO (src/vdso): std, lib only
# Header classes: "service" is what any layer may call (panic, kprintf, the per-CPU seam of
# <arch/cpu_local.h> through irqlock.h, phys_to_virt); "devif" is the interface drivers register
# through (console.h, irq.h) or are called by (devices.h, ioapic.h); "arch" what the CPU layer
# implements and its private <arch/*.h>. A header not listed is an error: a new header must be given a class.
set -uo pipefail
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}

# The layer of a source file, by its path (first match wins). The pure parts of src/exec are
# named one by one.
layer_of() {
    case $1 in
    src/lib/* | src/mm/* | src/boot/* | src/acpi/* | src/console/* | src/fs/*) echo lib ;;
    src/exec/elf.c | src/exec/initstack.c) echo lib ;;
    src/arch/*) echo arch ;;
    src/dev/*) echo dev ;;
    src/kernel/* | src/exec/* | src/monitor/* | src/ktest/*) echo kernel ;;
    src/vdso/*) echo user ;;
    *) echo unknown ;;
    esac
}

declare -A class=(
    # the C library's freestanding headers
    [stdarg.h]=std [stdbool.h]=std [stddef.h]=std [stdint.h]=std
    # pure libraries: what they declare takes everything it needs by pointer or callback
    [frame64/acpi.h]=lib [frame64/args.h]=lib [frame64/grub_args.h]=lib [frame64/civil_time.h]=lib [frame64/cmdline.h]=lib
    [frame64/cpio.h]=lib [frame64/crc32.h]=lib [frame64/errno.h]=lib [frame64/fspath.h]=lib
    [frame64/kmem.h]=lib [frame64/ramfs.h]=lib [frame64/ldisc.h]=lib
    [frame64/dma.h]=lib [frame64/elf.h]=lib [frame64/error.h]=lib [frame64/fb.h]=lib
    [frame64/fbcon.h]=lib [frame64/font.h]=lib [frame64/frame.h]=lib [frame64/frame_config.h]=lib
    [frame64/frame_ref.h]=lib [frame64/escskip.h]=lib
    [frame64/frame_whereis.h]=lib [frame64/initstack.h]=lib [frame64/vclock.h]=lib [frame64/kbd.h]=lib
    [frame64/kstring.h]=lib [frame64/layout.h]=lib [frame64/lineedit.h]=lib
    [frame64/mapview.h]=lib [frame64/memmap.h]=lib [frame64/multiboot2.h]=lib
    [frame64/pagetable.h]=lib [frame64/ptaudit.h]=lib [frame64/region.h]=lib [frame64/ring.h]=lib
    [frame64/types.h]=lib [frame64/vmspace.h]=lib
    # services every layer may call, and the documented per-CPU seam
    [frame64/panic.h]=service [frame64/kprintf.h]=service [frame64/phys.h]=service
    [frame64/cpu.h]=service [frame64/frame_port.h]=service [frame64/irqlock.h]=service
    [frame64/lock_order.h]=service
    [frame64/thread_safety.h]=service
    [arch/cpu_local.h]=service
    # what drivers register through, and what the kernel calls them by
    [frame64/console.h]=devif [frame64/devices.h]=devif [frame64/irq.h]=devif
    [frame64/ioapic.h]=devif
    # the CPU layer: what it implements for the kernel, and its own headers
    [frame64/arch.h]=arch [frame64/trap.h]=arch [frame64/usermode.h]=arch
    [frame64/physmap.h]=arch [arch/cpu.h]=arch [arch/percpu.h]=arch [arch/lapic.h]=arch
    # kernel glue: the kernel's globals and services built on them
    [frame64/bootmem.h]=kernel [frame64/embedded.h]=kernel [frame64/fault.h]=kernel
    [frame64/frame_bench.h]=kernel [frame64/interrupts.h]=kernel [frame64/kernel.h]=kernel [frame64/kmap.h]=kernel
    [frame64/kstack.h]=kernel [frame64/kmalloc.h]=kernel [frame64/rootfs.h]=kernel [frame64/ktest.h]=kernel [frame64/monitor.h]=kernel
    [frame64/power.h]=kernel [frame64/process.h]=kernel [frame64/smp.h]=kernel
    [frame64/sched.h]=kernel [frame64/waitq.h]=kernel
    [frame64/vmcheck.h]=kernel
)

allowed() { # layer class
    case "$1:$2" in
    user:service) return 1 ;;
    *:std | *:lib | *:service) return 0 ;;
    arch:arch | dev:devif | kernel:*) return 0 ;;
    *) return 1 ;;
    esac
}

cd "$root" || { echo "layers.sh: no tree at $root"; exit 2; }
bad=0 files=0 includes=0
while IFS= read -r f; do
    files=$((files + 1))
    layer=$(layer_of "$f")
    if [ "$layer" = unknown ]; then
        echo "$f: in no layer (tests/lint/layers.sh: layer_of names every folder of src/)"
        bad=$((bad + 1))
        continue
    fi
    while IFS=: read -r line header; do
        includes=$((includes + 1))
        c=${class[$header]-}
        if [ -z "$c" ]; then
            echo "$f:$line: <$header> has no class (add it to tests/lint/layers.sh)"
            bad=$((bad + 1))
        elif [ "$layer" = dev ] && [ "$header" = arch/cpu.h ]; then
            : # port I/O: the one piece of the CPU layer a driver uses
        elif ! allowed "$layer" "$c"; then
            echo "$f:$line: the $layer layer includes <$header> ($c): see docs/architecture.md"
            bad=$((bad + 1))
        fi
    done < <(grep -n -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*<' "$f" |
        sed -E 's/^([0-9]+):.*<([^>]+)>.*/\1:\2/')
done < <(find src -name '*.c' -o -name '*.h' | LC_ALL=C sort)
if [ "$bad" -gt 0 ]; then
    echo "layers: $bad violation(s) of the layering rule"
    exit 1
fi
echo "layers: $files files, $includes includes, every one allowed"
