; SPDX-License-Identifier: 0BSD
; Ring 3 entry and exit (include/frame64/usermode.h). The system-call entry swaps to the kernel's
; GS, takes the kernel stack from the per-CPU area (usermode.c's struct cpu_local), saves the
; caller's registers as a struct syscall_frame and calls usermode_syscall(); sysret returns.
bits 64
default rel
extern usermode_syscall, usermode_bad_return

CPU_KERNEL_RSP equ 0
CPU_USER_RSP   equ 8
USER_CS        equ 0x23
USER_SS        equ 0x1b
FRAME_RIP      equ 13 * 8               ; offset of rip in struct syscall_frame

; Saves in the struct kernel_context at rdi what usermode_leave() needs to return to the caller.
%macro SAVE_KERNEL_CONTEXT 0
    mov [rdi + 0], rbx
    mov [rdi + 8], rbp
    mov [rdi + 16], r12
    mov [rdi + 24], r13
    mov [rdi + 32], r14
    mov [rdi + 40], r15
    mov [rdi + 48], rsp                 ; at our return address
%endmacro

section .text
global syscall_entry
syscall_entry:
    swapgs
    mov [gs:CPU_USER_RSP], rsp
    mov rsp, [gs:CPU_KERNEL_RSP]
    push qword [gs:CPU_USER_RSP]        ; rsp
    push r11                            ; rflags
    push rcx                            ; rip
    push rax
    push rdi
    push rsi
    push rdx
    push r10
    push r8
    push r9
    push rbx
    push rbp
    push r12
    push r13
    push r14
    push r15
    mov rdi, rsp                        ; 16 words: still 16-byte aligned for the call
    cld
    call usermode_syscall
    ; sysret to a non-canonical rip would fault in ring 0 on the user's stack: refuse it.
    mov rcx, [rsp + FRAME_RIP]
    shr rcx, 47
    jnz .bad_return
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbp
    pop rbx
    pop r9
    pop r8
    pop r10
    pop rdx
    pop rsi
    pop rdi
    pop rax
    pop rcx
    pop r11
    pop rsp
    swapgs
    o64 sysret
.bad_return:
    mov rdi, rsp
    call usermode_bad_return            ; ends the process: does not return
    ud2

; uint64_t usermode_iret(struct kernel_context *k, uint64_t kstack_top, uint64_t rip, uint64_t rsp)
; Saves what usermode_leave() needs to return from here, then drops to ring 3 with every general
; register cleared (nothing of the kernel's leaks to the program).
global usermode_iret
usermode_iret:
    SAVE_KERNEL_CONTEXT                 ; at our return address
    mov rsp, rsi
    push USER_SS
    push rcx
    push 0x202                          ; IF: timer and device interrupts reach ring 3
    push USER_CS
    push rdx
    xor eax, eax
    xor ebx, ebx
    xor ecx, ecx
    xor edx, edx
    xor esi, esi
    xor edi, edi
    xor ebp, ebp
    xor r8d, r8d
    xor r9d, r9d
    xor r10d, r10d
    xor r11d, r11d
    xor r12d, r12d
    xor r13d, r13d
    xor r14d, r14d
    xor r15d, r15d
    swapgs
    iretq

; uint64_t usermode_iret_frame(struct kernel_context *k, uint64_t kstack_top,
;                              const struct syscall_frame *f)
; As usermode_iret, but ring 3 starts with f's registers, as a sysret from f would leave them (rcx
; the return address, r11 the flags): a forked child returns from the parent's system call.
; RFLAGS keeps only what a program may set, with IF on.
USER_FLAGS equ 0x240DD5                 ; CF PF AF ZF SF TF DF OF AC ID
global usermode_iret_frame
usermode_iret_frame:
    SAVE_KERNEL_CONTEXT
    mov rsp, rsi
    push USER_SS
    push qword [rdx + 15 * 8]           ; rsp
    mov rax, [rdx + 14 * 8]             ; rflags
    and eax, USER_FLAGS
    or eax, 0x202
    push rax
    push USER_CS
    push qword [rdx + FRAME_RIP]
    mov r15, [rdx + 0 * 8]
    mov r14, [rdx + 1 * 8]
    mov r13, [rdx + 2 * 8]
    mov r12, [rdx + 3 * 8]
    mov rbp, [rdx + 4 * 8]
    mov rbx, [rdx + 5 * 8]
    mov r9, [rdx + 6 * 8]
    mov r8, [rdx + 7 * 8]
    mov r10, [rdx + 8 * 8]
    mov rsi, [rdx + 10 * 8]
    mov rdi, [rdx + 11 * 8]
    mov rax, [rdx + 12 * 8]
    mov rcx, [rdx + FRAME_RIP]
    mov r11, [rsp + 16]                 ; the flags as pushed
    mov rdx, [rdx + 9 * 8]
    swapgs
    iretq

; void usermode_leave(struct kernel_context *k, uint64_t value): back into usermode_iret's caller.
global usermode_leave
usermode_leave:
    mov rbx, [rdi + 0]
    mov rbp, [rdi + 8]
    mov r12, [rdi + 16]
    mov r13, [rdi + 24]
    mov r14, [rdi + 32]
    mov r15, [rdi + 40]
    mov rsp, [rdi + 48]
    mov rax, rsi
    ret

; void usermode_return(const struct trap_frame *f): back to ring 3 with every register of f (a
; struct trap_frame, include/frame64/trap.h), through iretq: rt_sigreturn gives a program back
; registers sysret cannot (rcx, r11). The caller has made f safe (user selectors, user flags, a
; canonical rip); the kernel stack below f is abandoned, as after sysret.
global usermode_return
usermode_return:
    mov rsp, rdi
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
    add rsp, 16                         ; vector and error code
    swapgs
    iretq
