; SPDX-License-Identifier: 0BSD
; Entry stubs for the 32 CPU exceptions and the interrupt vectors frame64 uses (the ISA lines the
; I/O APIC routes, 0x30-0x3F; the local APIC timer, 0xF0; the wake-up IPI, 0xF1; the APIC's
; spurious vector, 0xFF). Each pushes a dummy error code where the CPU pushes none, then its
; vector, so every exception and interrupt reaches exception_dispatch() with the same frame
; (struct trap_frame in include/frame64/trap.h) and the same GS handling: an interrupt may come
; in ring 3 as well as in the kernel. The dispatcher may return (int3 is resumed, interrupts are).
bits 64
default rel
extern exception_dispatch

%macro STUB_NOERR 1
isr%1:
    push 0
    push %1
    jmp isr_common
%endmacro
%macro STUB_ERR 1
isr%1:
    push %1
    jmp isr_common
%endmacro

section .text
isr_common:
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    ; Whose GS is loaded is read from the GS base itself, never guessed from the saved CS: a fault
    ; in ring 0 can come with the user's GS (an NMI between syscall and its swapgs, a fault on the
    ; iretq after usermode_iret's swapgs), and the kernel's base is a higher-half address while a
    ; program's never is (frame64 lets no program set one). rbx, kept by the C call, remembers
    ; whether to swap back on the way out.
    mov ecx, 0xC0000101                 ; IA32_GS_BASE
    rdmsr
    xor ebx, ebx
    test edx, edx
    js .kernel_gs
    swapgs
    mov ebx, 1
.kernel_gs:
    ; The handler starts from clean flags: AC clear (SMAP on again, whatever the program or the
    ; interrupted user copy had), DF clear for C, NT clear; IF is already off (interrupt gates).
    push 2
    popfq
    mov rdi, rsp                    ; 15 registers + vector + error + 5 CPU words: 16-byte aligned
    call exception_dispatch
    test ebx, ebx
    jz .no_swap
    swapgs                          ; nothing below touches GS
.no_swap:
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rbx
    pop rax
    add rsp, 16                     ; vector and error code
    iretq

; Vectors 8, 10-14, 17, 21, 29 and 30 come with an error code from the CPU.
%assign v 0
%rep 32
%if v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || v == 29 || v == 30
    STUB_ERR v
%else
    STUB_NOERR v
%endif
%assign v v + 1
%endrep

; The interrupt vectors: ISA IRQ 0-15 at 0x30-0x3F, then 0xF0, 0xF1 and 0xFF.
%assign v 0x30
%rep 16
    STUB_NOERR v
%assign v v + 1
%endrep
    STUB_NOERR 240
    STUB_NOERR 241
    STUB_NOERR 255

section .rodata
global isr_stub_table
isr_stub_table:
%assign v 0
%rep 32
    dq isr %+ v
%assign v v + 1
%endrep

; Pairs (vector, stub) for idt.c, ending with vector 0.
global irq_stub_table
irq_stub_table:
%assign v 0x30
%rep 16
    dq v, isr %+ v
%assign v v + 1
%endrep
    dq 0xF0, isr240
    dq 0xF1, isr241
    dq 0xFF, isr255
    dq 0, 0

; void arch_save_regs(struct trap_frame *f): fills the general registers, RIP (the caller's
; return address) and RSP (the caller's stack) so panic() can print them like an exception.
section .text
global arch_save_regs
arch_save_regs:
    mov [rdi + 0*8], r15
    mov [rdi + 1*8], r14
    mov [rdi + 2*8], r13
    mov [rdi + 3*8], r12
    mov [rdi + 4*8], r11
    mov [rdi + 5*8], r10
    mov [rdi + 6*8], r9
    mov [rdi + 7*8], r8
    mov [rdi + 8*8], rbp
    mov [rdi + 9*8], rdi
    mov [rdi + 10*8], rsi
    mov [rdi + 11*8], rdx
    mov [rdi + 12*8], rcx
    mov [rdi + 13*8], rbx
    mov [rdi + 14*8], rax
    mov qword [rdi + 15*8], -1      ; vector: none
    mov qword [rdi + 16*8], 0       ; error code
    mov rax, [rsp]
    mov [rdi + 17*8], rax           ; rip
    mov [rdi + 18*8], cs
    pushfq
    pop qword [rdi + 19*8]
    lea rax, [rsp + 8]
    mov [rdi + 20*8], rax           ; rsp
    mov [rdi + 21*8], ss
    mov rax, [rdi + 14*8]
    ret

; int arch_probe_read(uint64_t va, uint64_t *out): the load at arch_probe_load may fault; the
; page-fault policy then resumes at arch_probe_fail (trap_fixup()), which returns K_EFAULT.
section .text
global arch_probe_read, arch_probe_load, arch_probe_fail
arch_probe_read:
arch_probe_load:
    mov rax, [rdi]
    mov [rsi], rax
    xor eax, eax
    ret
arch_probe_fail:
    mov eax, -14                    ; K_EFAULT
    ret

; void arch_run_on_stack(uint64_t top, void (*fn)(void)): leaves the current stack for good.
global arch_run_on_stack
arch_run_on_stack:
    mov rsp, rdi
    xor ebp, ebp
    call rsi
.hang:
    cli
    hlt
    jmp .hang
