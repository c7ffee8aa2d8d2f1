; SPDX-License-Identifier: 0BSD
; Entry stubs for the 32 CPU exceptions. Each pushes a dummy error code where the CPU pushes
; none, then its vector, so every exception reaches exception_dispatch() with the same frame
; (struct trap_frame in include/frame64/trap.h). The dispatcher may return (int3 is resumed).
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
    ; An NMI can arrive in ring 0 with the user's GS still loaded (between syscall and its swapgs,
    ; or between the exit's swapgs and sysret), so for it the GS base itself decides: the kernel's
    ; is a higher-half address. Whether it swapped is kept in its (dummy) error code.
    cmp qword [rsp], 2
    jne .by_cs
    push rax
    push rcx
    push rdx
    mov ecx, 0xC0000101                 ; IA32_GS_BASE
    rdmsr
    test edx, edx
    js .kernel_gs
    swapgs
    mov qword [rsp + 4 * 8], 1
.kernel_gs:
    pop rdx
    pop rcx
    pop rax
    jmp .from_kernel
.by_cs:
    test qword [rsp + 24], 3            ; the CS the CPU pushed: from user mode, take the kernel's GS
    jz .from_kernel
    swapgs
.from_kernel:
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
    mov rdi, rsp                    ; 15 registers + vector + error + 5 CPU words: 16-byte aligned
    cld
    call exception_dispatch
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
    cmp qword [rsp], 2
    jne .exit_by_cs
    cmp qword [rsp + 8], 1              ; the NMI swapped on the way in: swap back
    jne .exit_nmi
    swapgs
.exit_nmi:
    add rsp, 16
    iretq
.exit_by_cs:
    add rsp, 16                     ; vector and error code
    test qword [rsp + 8], 3             ; back to user mode: give it its GS again
    jz .to_kernel
    swapgs
.to_kernel:
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

section .rodata
global isr_stub_table
isr_stub_table:
%assign v 0
%rep 32
    dq isr %+ v
%assign v v + 1
%endrep

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
