; SPDX-License-Identifier: 0BSD
; The first code at the kernel's own (-2 GiB) addresses: boot/entry.asm jumps here in long mode
; with the boot page tables; we take the early kernel stack and call kmain(magic, mbi).
; A file of its own because NASM describes each file's DWARF as one range in one section: with
; this .text in entry.asm (whose range is .boot.text, linked low), gdb found these addresses in
; entry.asm's address map but not in its line table and warned "(Internal error: pc ... in read
; in CU, but not in symtab.)" on every backtrace through here (issue 16).

extern kmain
extern mb2_saved_magic, mb2_saved_info

section .text
bits 64
global higher_half
higher_half:
    mov rsp, kernel_stack_top
    xor ebp, ebp
    mov edi, [mb2_saved_magic]
    mov esi, [mb2_saved_info]
    call kmain
.hang:
    cli
    hlt
    jmp .hang

section .bss
align 16
global kernel_stack, kernel_stack_top
kernel_stack:   resb 32768
kernel_stack_top:
