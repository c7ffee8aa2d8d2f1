/* SPDX-License-Identifier: 0BSD */
/*
 * A static ELF program into a fresh address space (proc_internal.h): elf_plan() checked the
 * header and every program header before this runs, and a static PIE is placed at a random base
 * (elf_pie_base(), elf_plan_place()). A program from the file system has its segments' whole
 * pages of file bytes mapped from the file's own frames, copy-on-write (exec copies nothing but
 * the last, partial page of each segment: many processes of one program share its text, as in
 * Linux); a program in memory (a GRUB module) has each segment's pages that hold file bytes
 * populated and filled through the direct map (so read-only text needs no writable window), 2 MiB
 * pages where they fit. The rest of a segment (bss) is demand-zero. Then an 8 MiB demand-zero
 * stack with a no-access guard page below it, the vDSO (vdso.c), and the System V start stack
 * (initstack_build()) copied to its top.
 */
#include <frame64/arch.h>
#include <frame64/elf.h>
#include <frame64/error.h>
#include <frame64/initstack.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/phys.h>
#include <frame64/smp.h>
#include <frame64/rootfs.h>
#include "file.h"
#include "proc_internal.h"

/* Writes len bytes of src at va of s, through the direct map: the pages must be mapped. */
static bool copy_to_space(struct vmspace *s, uint64_t va, const void *src, uint64_t len)
{
    const uint8_t *from = src;
    while (len) {
        phys_addr_t pa = vmspace_translate(s, va, NULL);
        uint64_t n = MIN(len, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
        if (pa == PHYS_NONE)
            return false;
        memcpy(phys_to_virt(pa), from, n);
        va += n;
        from += n;
        len -= n;
    }
    return true;
}

static unsigned seg_prot(unsigned perm)
{
    return VM_USER | (perm & ELF_SEG_R ? VM_READ : 0) | (perm & ELF_SEG_W ? VM_WRITE : 0) |
           (perm & ELF_SEG_X ? VM_EXEC : 0);
}

/* Maps and fills the segments. Return: K_OK, or an error with why set. */
static int load_segments(struct vmspace *vs, const uint8_t *image, const struct elf_plan *plan,
                         char *why)
{
    for (unsigned i = 0; i < plan->nseg; i++) {
        const struct elf_segment *sg = &plan->seg[i];
        uint64_t base = ALIGN_DOWN(sg->vaddr, PAGE_SIZE);
        uint64_t filled = sg->filesz ? ALIGN_UP(sg->vaddr + sg->filesz, PAGE_SIZE) : base;
        uint64_t end = ALIGN_UP(sg->vaddr + sg->memsz, PAGE_SIZE);
        unsigned prot = seg_prot(sg->perm);
        int err = K_OK;
        /* Every page of the file bytes is touched now anyway: 2 MiB pages where they fit cost
         * no memory more, and save TLB entries for a large program's text and data. */
        if (filled > base)
            err = vmspace_map_anon(vs, base, filled - base, prot | VM_POPULATE | VM_HUGE);
        if (err == K_OK && end > filled)
            err = vmspace_map_anon(vs, filled, end - filled, prot);
        if (err != K_OK) {
            ksnprintf(why, PROC_WHY_MAX, "segment %u cannot be mapped: %s", sg->phindex,
                      vmspace_strerror(err));
            return err;
        }
        if (!copy_to_space(vs, sg->vaddr, image + sg->offset, sg->filesz)) {
            ksnprintf(why, PROC_WHY_MAX, "segment %u has file bytes but no access at all",
                      sg->phindex);
            return K_EINVAL;
        }
    }
    return K_OK;
}

/*
 * Segment sg of a program in file n: one anonymous area; its whole pages of file bytes are the
 * file's frames, copy-on-write (elf_plan() checked p_vaddr == p_offset modulo the page size); the
 * last page that holds file bytes only in part is copied, its rest zero as bss must be. A page the
 * file lost since (truncated) reads as zeros. Return: K_OK, or an error with why set.
 */
static int map_file_segment(struct vmspace *vs, struct ramfs_node *n, const struct elf_segment *sg,
                            char *why)
{
    uint64_t base = ALIGN_DOWN(sg->vaddr, PAGE_SIZE),
             end = ALIGN_UP(sg->vaddr + sg->memsz, PAGE_SIZE);
    uint64_t file_end = sg->vaddr + sg->filesz, whole_end = ALIGN_DOWN(file_end, PAGE_SIZE);
    uint64_t first = (sg->offset - (sg->vaddr - base)) / PAGE_SIZE;
    int err = vmspace_map_anon(vs, base, end - base, seg_prot(sg->perm));
    if (err == K_OK && whole_end > base &&
        file_place_pages(vs, n, base, (whole_end - base) / PAGE_SIZE, first, false))
        err = K_ENOMEM;
    if (err != K_OK) {
        ksnprintf(why, PROC_WHY_MAX, "segment %u cannot be mapped: %s", sg->phindex,
                  vmspace_strerror(err));
        return err;
    }
    if (file_end <= whole_end || !sg->filesz)
        return K_OK;
    uint64_t from = MAX(whole_end, sg->vaddr);
    err = vmspace_fault(vs, whole_end, VM_READ); /* the kernel's read: a zeroed frame */
    phys_addr_t pa = err == K_OK ? vmspace_translate(vs, whole_end, NULL) : PHYS_NONE;
    if (pa == PHYS_NONE) {
        ksnprintf(why, PROC_WHY_MAX, "segment %u has file bytes but no access at all", sg->phindex);
        return err == K_ENOMEM ? K_ENOMEM : K_EINVAL;
    }
    uint64_t irq = fs_lock();
    ramfs_read(&rootfs, n, sg->offset + (from - sg->vaddr),
               (uint8_t *)phys_to_virt(pa) + (from - whole_end), file_end - from);
    fs_unlock(irq);
    return K_OK;
}

/*
 * Some unpredictability for AT_RANDOM, where a static PIE and the vDSO go (there is no entropy
 * source yet: the cycle counter).
 */
static void random_bytes(unsigned pid, uint8_t *out, unsigned n)
{
    uint64_t x = arch_cycles() ^ ((uint64_t)cpu_index() << 40) ^ ((uint64_t)pid << 32);
    for (unsigned i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out[i] = (uint8_t)(x >> 24);
    }
}

/* The stack area, its guard page and the start stack. Return: K_OK, or an error with why set. */
static int build_stack(struct vmspace *vs, const uint8_t rnd[16], const struct elf_plan *plan,
                       uint64_t vdso, unsigned argc, const char *const *argv, unsigned envc,
                       const char *const *envp, uint64_t *rsp, char *why)
{
    static uint8_t bufs[CPU_MAX][8 * KiB]; /* per CPU: loading never sleeps, is never preempted */
    uint8_t *buf = bufs[cpu_index()];
    uint64_t bottom = PROC_STACK_TOP - PROC_STACK_MAX;
    int err = vmspace_map_anon(vs, bottom, PROC_STACK_MAX, VM_USER | VM_READ | VM_WRITE);
    if (err == K_OK)
        err = vmspace_map_anon(vs, bottom - PAGE_SIZE, PAGE_SIZE, VM_USER); /* no access */
    if (err != K_OK) {
        ksnprintf(why, PROC_WHY_MAX, "its stack cannot be mapped: %s", vmspace_strerror(err));
        return err;
    }
    struct initstack st;
    int r = initstack_build_env(plan, PROC_STACK_TOP, argc, argv, envc, envp, vdso, rnd, buf,
                                sizeof(bufs[0]), &st, why, PROC_WHY_MAX);
    if (r != K_OK)
        return r;
    for (uint64_t va = ALIGN_DOWN(st.rsp, PAGE_SIZE); va < PROC_STACK_TOP; va += PAGE_SIZE) {
        err = vmspace_fault(vs, va, VM_WRITE);
        if (err != K_OK) {
            ksnprintf(why, PROC_WHY_MAX, "its start stack cannot be written: %s",
                      vmspace_strerror(err));
            return err;
        }
    }
    copy_to_space(vs, st.rsp, st.bytes, st.len);
    *rsp = st.rsp;
    return K_OK;
}

int proc_load_space(struct vmspace *vs, unsigned pid, const struct proc_image *img, unsigned argc,
                    const char *const *argv, unsigned envc, const char *const *envp,
                    struct proc_start *out, char *why)
{
    struct elf_plan plan;
    uint64_t rsp = 0, vdso = 0;
    uint64_t rnd[4]; /* AT_RANDOM's 16 bytes, where a PIE goes, where the vDSO goes */
    random_bytes(pid, (uint8_t *)rnd, sizeof(rnd));
    if (elf_plan_head(img->bytes, img->avail, img->size, VMSPACE_USER_END, &plan, why,
                      PROC_WHY_MAX) != K_OK ||
        elf_plan_place(&plan, plan.pie ? elf_pie_base(&plan, rnd[2]) : 0, VMSPACE_USER_END, why,
                       PROC_WHY_MAX) != K_OK)
        return K_EINVAL;
    if (vmspace_create(vs, proc_env()) != K_OK) {
        ksnprintf(why, PROC_WHY_MAX, "no memory for its address space");
        return K_ENOMEM;
    }
    int err = K_OK;
    if (!img->file)
        err = load_segments(vs, img->bytes, &plan, why);
    for (unsigned i = 0; img->file && err == K_OK && i < plan.nseg; i++)
        err = map_file_segment(vs, img->file, &plan.seg[i], why);
    if (err == K_OK && (err = vdso_map(vs, rnd[3], &vdso)) != K_OK)
        ksnprintf(why, PROC_WHY_MAX, "its vDSO cannot be mapped: %s", vmspace_strerror(err));
    if (err == K_OK)
        err = build_stack(vs, (const uint8_t *)rnd, &plan, vdso + PAGE_SIZE, argc, argv, envc, envp,
                          &rsp, why);
    if (err != K_OK) {
        vmspace_destroy(vs);
        return err == K_ENOMEM ? K_ENOMEM : K_EINVAL;
    }
    *out =
        (struct proc_start){.entry = plan.entry, .rsp = rsp, .brk = plan.brk_start, .vdso = vdso};
    return K_OK;
}

int proc_load(struct process *p, const struct proc_image *img, unsigned argc,
              const char *const *argv, char *why)
{
    struct proc_start st;
    int err = proc_load_space(&p->vs, p->pid, img, argc, argv, 0, NULL, &st, why);
    if (err != K_OK)
        return err;
    p->brk_start = p->brk = st.brk;
    p->vdso = st.vdso;
    p->entry = st.entry;
    p->user_rsp = st.rsp;
    return K_OK;
}
