; SPDX-License-Identifier: 0BSD
; Switching kernel threads (src/kernel/sched.c). A thread that is not running is its kernel stack
; and the stack pointer saved here: the callee-saved registers sit on top of that stack, under
; the address arch_switch() returns to. Everything else the C caller already saved or does not
; need (the ABI's caller-saved registers); RFLAGS needs nothing, since every switch happens with
; interrupts off and the other flags clear.
bits 64
default rel

section .text
; void arch_switch(uint64_t *save_rsp, uint64_t next_rsp)
global arch_switch
arch_switch:
    push rbp
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov [rdi], rsp
    mov rsp, rsi
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    pop rbp
    ret

; Where a new thread's first arch_switch() returns to (arch_thread_stack() builds the stack):
; r12 holds the argument, r13 the function, which must not return.
global arch_thread_trampoline
arch_thread_trampoline:
    mov rdi, r12
    xor ebp, ebp
    call r13
    ud2
