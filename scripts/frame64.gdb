# SPDX-License-Identifier: 0BSD
# gdb attached to QEMU's gdb server, for frame64 (scripts/run.sh --gdb starts QEMU halted and
# prints how to come here):   gdb -q -x scripts/frame64.gdb     (from the top of the tree)
# Before -x, -ex 'set $port = N' picks another port and -ex 'set $elf = "PATH"' another kernel.
#
# Long mode from the start: QEMU's x86_64 gdb stub always answers with the 64-bit register set,
# and a gdb that guessed i386 (no file yet, or a 32-bit one) stops with "Remote 'g' packet reply
# is too long". Setting the architecture before connecting avoids it; if it shows up anyway,
# "set architecture i386:x86-64" and "target remote" again.
#
# The breakpoint on kmain is a hardware one: QEMU starts before GRUB has loaded the kernel, and
# under KVM a software breakpoint is an int3 written into guest memory, which the load then
# overwrites (under TCG QEMU keeps software breakpoints itself, so both work there).
set pagination off
set confirm off
set architecture i386:x86-64
if $_isvoid($port)
  set $port = 1234
end
if $_isvoid($elf)
  set $elf = "build/frame64.elf"
end
eval "file %s", $elf
# The kernel is compiled with its sources named src/... (-ffile-prefix-map) from build/kernel.
set substitute-path build/kernel/src src
eval "target remote 127.0.0.1:%d", $port
hbreak kmain
continue

# frame64-pool: the page-frame manager's state and the region list it draws from.
# The pool holds a cache per possible CPU (128 KiB in all): past gdb's default max-value-size,
# and long to read, so arrays are cut to their first 16 elements. Physical addresses are plain
# integers (phys_addr_t) to gdb, which prints those in decimal: the pool is printed in hex, and
# the regions one a line as [base, end) in hex with the tag's name (the field is a uint32_t
# holding an enum region_tag).
define frame64-pool
  set max-value-size unlimited
  set print elements 16
  print/x kernel_frames
  printf "region list: %lu ranges (room for %lu)\n", kernel_memory.count, kernel_memory.capacity
  set $frame64_i = 0
  while $frame64_i < kernel_memory.count
    set $frame64_r = &kernel_memory.regions[$frame64_i]
    printf "  [0x%016lx, 0x%016lx) ", $frame64_r->base, $frame64_r->end
    output (enum region_tag)$frame64_r->tag
    echo \n
    set $frame64_i = $frame64_i + 1
  end
end
document frame64-pool
Prints the frame pool (kernel_frames, in hex) and the region list (kernel_memory) it takes
frames from: one range a line, its addresses in hex and its owner's tag by name.
end
