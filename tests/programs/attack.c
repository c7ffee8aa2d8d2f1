/* SPDX-License-Identifier: 0BSD */
/*
 * attack NAME: one hostile instruction (or a few) from ring 3, chosen by name. Each says what it
 * does, then does it; the kernel must end the program with one line (or let it carry on, where
 * Linux does) and run the next program. The host run of each attack is the reference: Linux
 * answers a privileged instruction with SIGSEGV, a trap with SIGTRAP, a floating-point error with
 * SIGFPE, a bad stack segment with SIGBUS. Attacks whose Linux answer is not frame64's to copy
 * (int 0x80 is a system call there) or that QEMU does not model as the hardware does (a
 * non-canonical stack is #GP there, not #SS) run on frame64 only (CMakeLists.txt).
 * An attack that survives says so and exits 0: the reference says whether it should have.
 */
#include <stdlib.h>

#include "progs.h"

#define RFLAGS_TF (1ul << 8)
#define RFLAGS_NT (1ul << 14)
#define RFLAGS_AC (1ul << 18)
#define IOPL3     (3ul << 12)

/* Kernel selectors in frame64's GDT and in Linux's alike: 0x08 and 0x10 are DPL 0 on both. */
#define KSEL_CODE 0x08
#define KSEL_DATA 0x10

static void set_flags(unsigned long bits)
{
    __asm__ volatile("pushfq; orq %0, (%%rsp); popfq" : : "r"(bits) : "cc", "memory");
}

static void nt_syscall(void)
{
    set_flags(RFLAGS_NT); /* left set: the exit's system calls carry it into the kernel */
    raw6(SYS_getpid, 0, 0, 0, 0, 0, 0);
}

static void nt_fault(void)
{
    set_flags(RFLAGS_NT);
    __asm__ volatile("ud2");
}

/* A well-formed return to ring 3 itself, but with NT set: 64-bit mode has no task return. */
static void nt_iretq(void)
{
    set_flags(RFLAGS_NT);
    __asm__ volatile("mov %%ss, %%eax\n\t"
                     "pushq %%rax\n\t"
                     "pushq %%rsp\n\t"
                     "addq $8, (%%rsp)\n\t"
                     "pushfq\n\t"
                     "mov %%cs, %%eax\n\t"
                     "pushq %%rax\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "iretq\n"
                     "1:"
                     :
                     :
                     : "rax", "memory");
}

static void ac_fault(void)
{
    set_flags(RFLAGS_AC);
    __asm__ volatile("ud2");
}

static void tf(void)
{
    set_flags(RFLAGS_TF);
    __asm__ volatile("nop");
}

static void iopl_cli(void)
{
    set_flags(IOPL3); /* ignored in ring 3: cli must still fault */
    __asm__ volatile("cli");
}

/* A return frame asking for ring 0 (kernel code and stack selectors) via iretq, lretq or lret. */
static void iretq_kernel(void)
{
    __asm__ volatile("pushq %0\n\t"
                     "pushq %%rsp\n\t"
                     "pushfq\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "iretq\n"
                     "1:"
                     :
                     : "i"(KSEL_DATA), "i"(KSEL_CODE)
                     : "rax", "memory");
}

static void lretq_kernel(void)
{
    __asm__ volatile("pushq %0\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:"
                     :
                     : "i"(KSEL_CODE)
                     : "rax", "memory");
}

static void lret32_kernel(void)
{
    __asm__ volatile("subq $8, %%rsp\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "movl %%eax, (%%rsp)\n\t"
                     "movl %0, 4(%%rsp)\n\t"
                     ".byte 0xcb\n" /* retf: 32-bit offset and selector */
                     "1:"
                     :
                     : "i"(KSEL_CODE)
                     : "rax", "memory");
}

/* A far pointer (m16:32) to the next instruction in kernel code. */
static struct __attribute__((packed)) {
    uint32_t offset;
    uint16_t selector;
} far_target = {0, KSEL_CODE};

static void ljmp_kernel(void)
{
    __asm__ volatile("leaq 1f(%%rip), %%rax\n\t"
                     "movl %%eax, %0\n\t"
                     "ljmp *%0\n"
                     "1:"
                     : "+m"(far_target)
                     :
                     : "rax", "memory");
}

static void lcall_kernel(void)
{
    __asm__ volatile("leaq 1f(%%rip), %%rax\n\t"
                     "movl %%eax, %0\n\t"
                     "lcall *%0\n"
                     "1:"
                     : "+m"(far_target)
                     :
                     : "rax", "memory");
}

static void mov_ss_kernel(void)
{
    __asm__ volatile("mov %0, %%ss" : : "r"((uint16_t)KSEL_DATA));
}

static void mov_ds_kernel(void)
{
    __asm__ volatile("mov %0, %%ds" : : "r"((uint16_t)KSEL_DATA));
}

static void int1(void)
{
    __asm__ volatile(".byte 0xf1"); /* icebp */
}

static void int3(void)
{
    __asm__ volatile("int3");
}

static void int2(void)
{
    __asm__ volatile("int $2"); /* the NMI vector: its gate is for the kernel only */
}

static void int13(void)
{
    __asm__ volatile("int $13");
}

static void int80(void)
{
    __asm__ volatile("int $0x80" : : "a"(39) : "memory");
}

static void int41(void)
{
    __asm__ volatile("int $0x41");
}

static void into(void)
{
    __asm__ volatile(".byte 0xce"); /* into: no such instruction in 64-bit mode */
}

static uint64_t gdtr[2];

static void lgdt(void)
{
    __asm__ volatile("lgdt %0" : : "m"(gdtr));
}

static void lidt(void)
{
    __asm__ volatile("lidt %0" : : "m"(gdtr));
}

static void ltr(void)
{
    __asm__ volatile("ltr %0" : : "r"((uint16_t)0x28));
}

static void lldt(void)
{
    __asm__ volatile("lldt %0" : : "r"((uint16_t)0));
}

static void read_cr0(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr0, %0" : "=r"(v));
}

static void write_cr3(void)
{
    __asm__ volatile("mov %0, %%cr3" : : "r"(0ul));
}

static void write_cr4(void)
{
    __asm__ volatile("mov %0, %%cr4" : : "r"(0ul));
}

static void write_dr7(void)
{
    __asm__ volatile("mov %0, %%dr7" : : "r"(0x3ul));
}

static void invlpg(void)
{
    __asm__ volatile("invlpg (%0)" : : "r"(0x400000ul) : "memory");
}

static void wbinvd(void)
{
    __asm__ volatile("wbinvd");
}

static void invd(void)
{
    __asm__ volatile("invd");
}

static void clts(void)
{
    __asm__ volatile("clts");
}

static void swapgs(void)
{
    __asm__ volatile("swapgs");
}

static void sysret(void)
{
    __asm__ volatile("sysretq");
}

static void sysenter(void)
{
    __asm__ volatile("sysenter");
}

static void rdmsr(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xC0000101u));
}

static void out(void)
{
    __asm__ volatile("outb %%al, $0x80" : : "a"(0));
}

static void jmp_kernel(void)
{
    ((void (*)(void))0xffffffff80200000ul)();
}

static void read_kernel(void)
{
    (void)*(volatile uint64_t *)0xffff800000000000ul;
}

static void jmp_noncanonical(void)
{
    ((void (*)(void))0x0000800000000000ul)();
}

static void read_noncanonical(void)
{
    (void)*(volatile uint64_t *)0x8000000000000000ul;
}

/* A push through a non-canonical stack pointer: #SS, not #GP. */
static void push_noncanonical(void)
{
    __asm__ volatile("mov %%rsp, %%rbx\n\t"
                     "movabs $0x0000800000000100, %%rsp\n\t"
                     "pushq $0\n\t"
                     "mov %%rbx, %%rsp"
                     :
                     :
                     : "rbx", "memory");
}

/* A system call made with a stack pointer that is a kernel (or non-canonical) address. */
static void syscall_with_rsp(uint64_t rsp)
{
    __asm__ volatile("mov %%rsp, %%rbx\n\t"
                     "mov %0, %%rsp\n\t"
                     "mov $39, %%eax\n\t"
                     "syscall\n\t"
                     "mov %%rbx, %%rsp"
                     :
                     : "r"(rsp)
                     : "rax", "rbx", "rcx", "r11", "memory");
}

static void syscall_kernel_rsp(void)
{
    syscall_with_rsp(0xffff800000000000ul);
}

static void syscall_noncanonical_rsp(void)
{
    syscall_with_rsp(0x0000800000000000ul);
}

/*
 * A syscall as the last two bytes below 0x7ffffffff000, so that it returns to the first address
 * programs may never map: the page at the top of the user half. Done in registers only, since
 * the page it maps may be frame64's stack top (MAP_FIXED replaces it).
 */
static void syscall_at_edge(void)
{
    __asm__ volatile("mov $9, %%eax\n\t"                 /* mmap(0x7fffffffe000, 4096, RW, */
                     "movabs $0x7fffffffe000, %%rdi\n\t" /*      MAP_PRIVATE | MAP_ANONYMOUS */
                     "mov $4096, %%esi\n\t"              /*      | MAP_FIXED, -1, 0) */
                     "mov $3, %%edx\n\t"
                     "mov $0x32, %%r10d\n\t"
                     "mov $-1, %%r8\n\t"
                     "xor %%r9d, %%r9d\n\t"
                     "syscall\n\t"
                     "movw $0x050f, 0xffe(%%rdi)\n\t" /* syscall at 0x7fffffffeffe */
                     "mov $10, %%eax\n\t"             /* mprotect(page, 4096, READ | EXEC) */
                     "mov $5, %%edx\n\t"
                     "syscall\n\t"
                     "mov $39, %%eax\n\t" /* getpid, returning to 0x7ffffffff000 */
                     "lea 0xffe(%%rdi), %%rbx\n\t"
                     "jmp *%%rbx"
                     :
                     :
                     : "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
                       "memory");
}

/* A divide by zero with x87 exceptions unmasked: #MF at the next x87 instruction. */
static void x87(void)
{
    uint16_t cw = 0x037F & ~0x4; /* the default control word, ZM (zero divide) unmasked */
    __asm__ volatile("fninit\n\t"
                     "fldcw %0\n\t"
                     "fld1\n\t"
                     "fldz\n\t"
                     "fdivrp\n\t"
                     "fwait"
                     :
                     : "m"(cw));
}

/* Self-destruction: the page holding the code that is running loses its execute permission. */
static void mprotect_text(void)
{
    uintptr_t page = (uintptr_t)&mprotect_text & ~(PG - 1);
    raw6(SYS_mprotect, (long)page, PG, PROT_READ, 0, 0, 0);
}

static void munmap_text(void)
{
    uintptr_t page = (uintptr_t)&munmap_text & ~(PG - 1);
    raw6(SYS_munmap, (long)page, PG, 0, 0, 0, 0);
}

/* The whole stack area gone, then a call that pushes its return address. */
static void munmap_stack(void)
{
    uintptr_t sp = (uintptr_t)__builtin_frame_address(0) & ~(PG - 1);
    raw6(SYS_munmap, (long)(sp - 64 * PG), 65 * PG, 0, 0, 0, 0);
    say("attack munmap-stack: still alive");
}

static const struct attack {
    const char *name, *what;
    void (*run)(void);
} attacks[] = {
    {"nt", "set NT in RFLAGS, then system calls and exit", nt_syscall},
    {"nt-fault", "set NT in RFLAGS, then ud2", nt_fault},
    {"nt-iretq", "set NT in RFLAGS, then iretq to ring 3", nt_iretq},
    {"ac-fault", "set AC in RFLAGS, then ud2", ac_fault},
    {"tf", "set TF in RFLAGS (single step)", tf},
    {"iopl-cli", "set IOPL 3 with popfq, then cli", iopl_cli},
    {"iretq-kernel", "iretq to kernel code and stack selectors", iretq_kernel},
    {"lretq-kernel", "lretq to the kernel code selector", lretq_kernel},
    {"lret32-kernel", "32-bit far return to the kernel code selector", lret32_kernel},
    {"ljmp-kernel", "far jump to the kernel code selector", ljmp_kernel},
    {"lcall-kernel", "far call to the kernel code selector", lcall_kernel},
    {"mov-ss-kernel", "load SS with a kernel selector", mov_ss_kernel},
    {"mov-ds-kernel", "load DS with a kernel selector", mov_ds_kernel},
    {"int1", "icebp (int1)", int1},
    {"int3", "int3", int3},
    {"int2", "int 2 (the NMI vector)", int2},
    {"int13", "int 13 (the #GP vector)", int13},
    {"int80", "int 0x80 (no such gate in frame64)", int80},
    {"int41", "int 0x41 (no such gate in frame64)", int41},
    {"into", "into (invalid in 64-bit mode)", into},
    {"lgdt", "lgdt", lgdt},
    {"lidt", "lidt", lidt},
    {"ltr", "ltr", ltr},
    {"lldt", "lldt", lldt},
    {"read-cr0", "mov from cr0", read_cr0},
    {"write-cr3", "mov to cr3", write_cr3},
    {"write-cr4", "mov to cr4", write_cr4},
    {"write-dr7", "mov to dr7", write_dr7},
    {"invlpg", "invlpg", invlpg},
    {"wbinvd", "wbinvd", wbinvd},
    {"invd", "invd", invd},
    {"clts", "clts", clts},
    {"swapgs", "swapgs", swapgs},
    {"sysret", "sysretq", sysret},
    {"sysenter", "sysenter", sysenter},
    {"rdmsr", "rdmsr of IA32_GS_BASE", rdmsr},
    {"out", "out to port 0x80", out},
    {"jmp-kernel", "jump into the kernel image", jmp_kernel},
    {"read-kernel", "read the direct map", read_kernel},
    {"jmp-noncanonical", "jump to a non-canonical address", jmp_noncanonical},
    {"read-noncanonical", "read a non-canonical address", read_noncanonical},
    {"push-noncanonical", "push with a non-canonical stack pointer", push_noncanonical},
    {"syscall-kernel-rsp", "a system call with a kernel stack pointer", syscall_kernel_rsp},
    {"syscall-noncanonical-rsp", "a system call with a non-canonical stack pointer",
     syscall_noncanonical_rsp},
    {"syscall-edge", "a system call returning to 0x7ffffffff000", syscall_at_edge},
    {"x87", "an x87 divide by zero, unmasked", x87},
    {"mprotect-text", "mprotect its own code read-only", mprotect_text},
    {"munmap-text", "munmap its own code", munmap_text},
    {"munmap-stack", "munmap its own stack", munmap_stack},
};

int main(int argc, char **argv)
{
    if (argc != 2) {
        say("usage: attack NAME");
        return 2;
    }
    for (size_t i = 0; i < sizeof(attacks) / sizeof(attacks[0]); i++) {
        const struct attack *a = &attacks[i];
        if (strcmp(a->name, argv[1]) != 0)
            continue;
        say("attack %s: %s", a->name, a->what);
        a->run();
        say("attack %s: survived", a->name);
        return 0;
    }
    say("attack: no attack named %s", argv[1]);
    return 2;
}
