/* SPDX-License-Identifier: 0BSD */
/*
 * The CPU's part of kernel threads (include/frame64/arch.h): the first stack frame of a new
 * thread, as boot/switch.asm's arch_switch() expects to find it, and the x87/SSE state a thread
 * that runs programs carries across switches (the kernel itself is built without those
 * registers, so only user state lives in them).
 */
#include <frame64/arch.h>
#include <frame64/kstring.h>

extern void arch_thread_trampoline(void);

/* The registers arch_switch() pops, in the order it pops them, then its return address. */
struct first_frame {
    uint64_t r15, r14, r13, r12, rbx, rbp;
    uint64_t ret;
};

uint64_t arch_thread_stack(uint64_t top, void (*fn)(void *arg), void *arg)
{
    /*
     * The return address sits at top - 8, so after arch_switch()'s ret the stack is 16-byte
     * aligned, and the trampoline's call leaves fn the ABI's alignment (8 past a multiple of 16).
     */
    struct first_frame *f = (struct first_frame *)(top - sizeof(struct first_frame));
    *f = (struct first_frame){
        .r12 = (uint64_t)arg, .r13 = (uint64_t)fn, .ret = (uint64_t)arch_thread_trampoline};
    return (uint64_t)f;
}

void arch_fpu_save(void *area)
{
    __asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

void arch_fpu_load(const void *area)
{
    __asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

void arch_fpu_init(void *area)
{
    /* x87 control word 0x37F (all exceptions masked, extended precision), MXCSR 0x1F80. */
    uint8_t *b = area;
    memset(b, 0, ARCH_FPU_BYTES);
    b[0] = 0x7F;
    b[1] = 0x03;
    b[24] = 0x80;
    b[25] = 0x1F;
}
