; SPDX-License-Identifier: 0BSD
; The application processors' way in (src/arch/x86_64/smp.c copies these bytes to a page below
; 1 MiB and fills in the data at the end). A started AP begins in real mode at CS:IP = page:0
; and goes straight to long mode: the kernel's GDT-like table below, PAE, the kernel's own page
; tables (CR3 below 4 GiB; the page itself is mapped there at its own address for the few
; instructions that run at it), EFER.LME (and NXE), PE and PG at once, then a far jump into 64-bit
; code, which takes its stack and jumps to ap_entry() in the kernel. Nothing here may depend on
; where the page is: data are reached relative to it, and the two absolute addresses the jumps
; need are patched in by the boot CPU.
bits 16
section .rodata
global trampoline_start, trampoline_end
global tr_gdtr, tr_farptr, tr_cr3, tr_efer, tr_stack, tr_entry, tr_cpu
trampoline_start:
    cli
    cld
    mov ax, cs
    mov ds, ax
    o32 lgdt [tr_gdtr - trampoline_start]       ; o32: the whole 32-bit base, not 24 bits
    mov eax, cr4
    or eax, 1 << 5                              ; PAE
    mov cr4, eax
    mov eax, [tr_cr3 - trampoline_start]
    mov cr3, eax
    mov ecx, 0xC0000080                         ; EFER
    rdmsr
    or eax, [tr_efer - trampoline_start]        ; LME, and NXE where the CPU has it
    wrmsr
    mov eax, cr0
    or eax, (1 << 31) | (1 << 16) | 1           ; PG, WP, PE
    mov cr0, eax
    jmp dword far [tr_farptr - trampoline_start]

bits 64
tr_long:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov rsp, [rel tr_stack]
    mov rdi, [rel tr_cpu]
    mov rax, [rel tr_entry]
    jmp rax                                     ; ap_entry(cpu index): never returns

align 8
tr_gdt:                                         ; accessed bits preset: the page is read-only
    dq 0
    dq 0x00AF9B000000FFFF                       ; 0x08: 64-bit code
    dq 0x00CF93000000FFFF                       ; 0x10: data
tr_gdtr:
    dw 3 * 8 - 1
    dd tr_gdt - trampoline_start                ; patched: + the page's address
align 4
tr_farptr:
    dd tr_long - trampoline_start               ; patched: + the page's address
    dw 0x08
align 8
tr_cr3:   dq 0
tr_efer:  dq 0
tr_stack: dq 0
tr_entry: dq 0
tr_cpu:   dq 0
trampoline_end:
