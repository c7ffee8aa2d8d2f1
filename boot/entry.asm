; SPDX-License-Identifier: 0BSD
; The boot trampoline: GRUB enters _start in 32-bit protected mode with paging off, EAX holding
; the multiboot2 magic and EBX the physical address of the information block. We check the CPU,
; build page tables (identity map of the low 4 GiB + the kernel at -2 GiB, 2 MiB pages only),
; switch to long mode and jump to the higher half (boot/higher_half.asm), which calls
; kmain(magic, mbi). Everything here runs at its physical address (section .boot.*, linked low).

%include "layout.inc"               ; KERNEL_VMA, generated from include/frame64/layout.h
%define MB2_BOOT_MAGIC 0x36D76289
%define COM1 0x3F8
%define EXC32_STUB_SIZE 8           ; each exception stub of the 32-bit entry, padded
; Vectors whose exceptions push an error code: 8, 10-14, 17, 21, 29, 30.
%define EXC32_ERROR_CODES ((1 << 8) | (0x1F << 10) | (1 << 17) | (1 << 21) | (3 << 29))
; The slots that map KERNEL_VMA (-2 GiB: PML4 entry 511, PDPT entry 510) to physical 0.
%define KERNEL_PML4_SLOT ((KERNEL_VMA >> 39) & 511)
%define KERNEL_PDPT_SLOT ((KERNEL_VMA >> 30) & 511)
%if KERNEL_VMA & 0x3FFFFFFF
%error "KERNEL_VMA must be 1 GiB aligned: the boot tables map it with a single PDPT entry"
%endif

extern higher_half                  ; boot/higher_half.asm
global _start
global boot_pml4
global mb2_saved_magic, mb2_saved_info

section .boot.text progbits alloc exec nowrite align=16
bits 32
_start:
    cli
    cld
    mov [mb2_saved_magic], eax      ; keep both before anything can clobber them
    mov [mb2_saved_info], ebx
    mov esp, boot32_stack_top
    call idt32_init                 ; first: GRUB leaves an IDT of limit 0 (any fault resets)
    call serial32_init
    call crash_entry32_if_asked

    mov esi, msg_no_multiboot
    cmp dword [mb2_saved_magic], MB2_BOOT_MAGIC
    jne fatal32

    mov esi, msg_no_long_mode
    pushfd                          ; CPUID exists iff EFLAGS.ID (bit 21) can be toggled
    pop eax
    mov ecx, eax
    xor eax, 1 << 21
    push eax
    popfd
    pushfd
    pop eax
    push ecx
    popfd
    xor eax, ecx
    jz fatal32
    mov eax, 0x80000000             ; extended leaves must reach 0x80000001
    cpuid
    cmp eax, 0x80000001
    jb fatal32
    mov eax, 0x80000001
    cpuid
    test edx, 1 << 29               ; LM
    jz fatal32
    mov [ext_edx], edx

    call build_page_tables
    ; From here the 32-bit gates would be misread as 64-bit ones: a fault now ends in a reset as
    ; before; the kernel loads its own IDT first thing in kmain.
    mov eax, cr4
    or eax, 1 << 5                  ; PAE
    mov cr4, eax
    mov eax, boot_pml4
    mov cr3, eax
    mov ecx, 0xC0000080             ; EFER
    rdmsr
    or eax, 1 << 8                  ; LME
    test dword [ext_edx], 1 << 20   ; NX only where the CPU has it
    jz .no_nx
    or eax, 1 << 11                 ; NXE
.no_nx:
    wrmsr
    mov eax, cr0
    or eax, (1 << 31) | (1 << 16) | 1   ; PG, WP, PE
    mov cr0, eax
    lgdt [gdt64.pointer]
    jmp 0x08:long_mode_entry

; Zeroes the tables, then: PML4[0] -> low PDPT -> 4 PDs of 2 MiB pages (identity, 0..4 GiB);
; PML4[511] -> high PDPT, whose entry 510 reuses the first PD (KERNEL_VMA -> physical 0..1 GiB).
build_page_tables:
    mov edi, boot_tables
    mov ecx, (boot_tables_end - boot_tables) / 4
    xor eax, eax
    rep stosd
    mov dword [boot_pml4], boot_pdpt_low + 3
    mov dword [boot_pml4 + KERNEL_PML4_SLOT * 8], boot_pdpt_high + 3
    mov dword [boot_pdpt_high + KERNEL_PDPT_SLOT * 8], boot_pd + 3
    mov eax, boot_pd + 3
    mov edi, boot_pdpt_low
    mov ecx, 4
.pdpt:
    mov [edi], eax
    add eax, 4096
    add edi, 8
    loop .pdpt
    mov eax, 0x83                   ; present, writable, 2 MiB page
    mov edi, boot_pd
    mov ecx, 4 * 512
.pd:
    mov [edi], eax
    add eax, 0x200000
    add edi, 8
    loop .pd
    ret

; The 32-bit entry's own IDT: every exception vector (0-31) reports itself on COM1 and the screen
; (fatal32) and halts, where GRUB's IDT of limit 0 would triple-fault the machine into a reset
; with no word: issue 16 asked whose fault such a reset is, and this answers it next time.
idt32_init:
    mov eax, exc32_stubs
    mov edi, idt32
    mov ecx, 32
    mov dx, cs                      ; GRUB's flat 32-bit code segment
.gate:
    mov [edi], ax                   ; offset 15:0
    mov [edi + 2], dx               ; selector
    mov word [edi + 4], 0x8E00      ; present, ring 0, 32-bit interrupt gate
    push eax
    shr eax, 16
    mov [edi + 6], ax               ; offset 31:16
    pop eax
    add eax, EXC32_STUB_SIZE
    add edi, 8
    loop .gate
    lidt [idt32_pointer]
    ret

align EXC32_STUB_SIZE
exc32_stubs:
%assign v 0
%rep 32
    push strict byte v
    jmp strict near exc32_common
    align EXC32_STUB_SIZE, db 0xCC
%assign v v + 1
%endrep

; [esp]: the vector, then the error code where there is one, then EIP. Builds
; "frame64: CPU exception V at eip 0xXXXXXXXX in the 32-bit entry, before long mode." and the
; stop line in exc32_msg and hands it to fatal32.
exc32_common:
    pop ebx
    mov ecx, EXC32_ERROR_CODES
    bt ecx, ebx
    jnc .no_error_code
    add esp, 4
.no_error_code:
    mov edx, [esp]
    mov edi, exc32_msg
    mov esi, msg_exc32_vector
    call copy32
    mov eax, ebx                    ; the vector in decimal (below 32)
    mov cl, 10
    div cl
    test al, al
    jz .ones
    add al, '0'
    stosb
.ones:
    mov al, ah
    add al, '0'
    stosb
    mov esi, msg_exc32_eip
    call copy32
    mov ecx, 8                      ; EIP in hex, 8 digits
.hex:
    rol edx, 4
    mov al, dl
    and al, 0xF
    add al, '0'
    cmp al, '9'
    jbe .digit
    add al, 'a' - '9' - 1
.digit:
    stosb
    loop .hex
    mov esi, msg_exc32_end
    call copy32
    mov byte [edi], 0
    mov esi, exc32_msg
    jmp fatal32

; Copies the NUL-terminated string at ESI to EDI (without the NUL); EDI ends after it.
copy32:
    lodsb
    test al, al
    jz .done
    stosb
    jmp copy32
.done:
    ret

; crash=entry32 on the command line (a word of it): an invalid opcode right here, for the boot
; test of the handler above. Returns when the word is absent.
crash_entry32_if_asked:
    mov ebx, 1                      ; the command line
    call mb2_find_tag32
    jnc .no
    add esi, 8                      ; the string; a word starts at its start or after a space
.word:
    mov edi, crash_entry32_word
    mov ecx, esi
.cmp:
    mov al, [edi]
    test al, al
    jz .end_of_word
    cmp al, [ecx]
    jne .skip
    inc edi
    inc ecx
    jmp .cmp
.end_of_word:
    mov al, [ecx]
    test al, al
    jz .crash
    cmp al, ' '
    je .crash
.skip:                              ; to the next word
    lodsb
    test al, al
    jz .no
    cmp al, ' '
    jne .skip
    jmp .word
.crash:
    ud2
.no:
    ret

; Prints the sentence at ESI on COM1 and, unless firmware is UEFI, on the VGA text screen; halts.
fatal32:
    call serial32_puts
    call booted_by_uefi
    jc .halt
    mov edi, 0xB8000
    mov ecx, 80 * 25
    mov ax, 0x4F20                  ; white on red spaces
    rep stosw
    mov edi, 0xB8000
.vga:
    lodsb
    test al, al
    jz .halt
    cmp al, 13
    je .vga
    cmp al, 10
    je .vga
    mov ah, 0x4F
    stosw
    jmp .vga
.halt:
    cli
    hlt
    jmp .halt

; CF=1 when the information block has an EFI system-table tag (no VGA text buffer there).
booted_by_uefi:
    push esi
    push ebx
    mov ebx, 11                     ; EFI 32-bit system table
    call mb2_find_tag32
    jc .done
    mov ebx, 12                     ; EFI 64-bit system table
    call mb2_find_tag32
.done:
    pop ebx                         ; pop and mov keep CF
    pop esi
    ret

; The multiboot2 tag of type EBX in the information block GRUB handed over. Return: CF=1 with
; ESI at the tag, or CF=0 (no such tag, or no multiboot2 block at all). Clobbers EAX and EDX;
; a tag whose size is below 8 ends the walk (a broken block must not loop).
mb2_find_tag32:
    cmp dword [mb2_saved_magic], MB2_BOOT_MAGIC
    jne .no
    mov esi, [mb2_saved_info]
    mov edx, [esi]                  ; total_size
    add edx, esi
    add esi, 8
.tag:
    lea eax, [esi + 8]
    cmp eax, edx
    ja .no
    mov eax, [esi]
    test eax, eax
    jz .no
    cmp eax, ebx
    je .yes
    mov eax, [esi + 4]
    cmp eax, 8
    jb .no
    add eax, 7
    and eax, ~7
    add esi, eax
    jmp .tag
.yes:
    stc
    ret
.no:
    clc
    ret

serial32_init:                      ; 115200 8N1, FIFO on
    mov dx, COM1 + 1
    xor al, al
    out dx, al
    mov dx, COM1 + 3
    mov al, 0x80
    out dx, al
    mov dx, COM1
    mov al, 1
    out dx, al
    mov dx, COM1 + 1
    xor al, al
    out dx, al
    mov dx, COM1 + 3
    mov al, 3
    out dx, al
    mov dx, COM1 + 2
    mov al, 0xC7
    out dx, al
    mov dx, COM1 + 4
    mov al, 3
    out dx, al
    ret

; Writes the NUL-terminated string at ESI; waits (boundedly) for the transmitter before each byte
; so neither a slow UART nor a missing one can hang us.
serial32_puts:
    push esi
.next:
    lodsb
    test al, al
    jz .done
    mov ah, al
    mov ecx, 100000
    mov dx, COM1 + 5
.wait:
    in al, dx
    test al, 0x20
    jnz .send
    loop .wait
.send:
    mov al, ah
    mov dx, COM1
    out dx, al
    jmp .next
.done:
    pop esi
    ret

bits 64
long_mode_entry:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov fs, ax
    mov gs, ax
    mov rax, higher_half
    jmp rax

section .boot.rodata progbits alloc noexec nowrite align=16
msg_no_multiboot:
    db "frame64 must be started by a multiboot2 boot loader such as GRUB; it was not.", 13, 10, 0
msg_no_long_mode:
    db "frame64 needs a 64-bit (x86_64) processor; this CPU does not support long mode.", 13, 10, 0
msg_exc32_vector:
    db "frame64: CPU exception ", 0
msg_exc32_eip:
    db " at eip 0x", 0
msg_exc32_end:
    db " in the 32-bit entry, before long mode.", 13, 10
    db "frame64 stopped: the boot cannot go on.", 13, 10, 0
crash_entry32_word:
    db "crash=entry32", 0
align 8
idt32_pointer:
    dw 32 * 8 - 1
    dd idt32
align 16
gdt64:
    dq 0
    dq 0x00AF9A000000FFFF           ; 0x08: 64-bit code
    dq 0x00CF92000000FFFF           ; 0x10: data
.pointer:
    dw $ - gdt64 - 1
    dq gdt64

section .boot.bss nobits alloc noexec write align=4096
boot_tables:
boot_pml4:      resb 4096
boot_pdpt_low:  resb 4096
boot_pdpt_high: resb 4096
boot_pd:        resb 4 * 4096
boot_tables_end:
idt32:          resb 32 * 8
exc32_msg:      resb 128
boot32_stack:   resb 1024
boot32_stack_top:
mb2_saved_magic: resd 1
mb2_saved_info:  resd 1
ext_edx:         resd 1
