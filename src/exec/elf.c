/* SPDX-License-Identifier: 0BSD */
/*
 * ELF64 static-executable validation, the loading plan and where a static PIE is placed (see
 * <frame64/elf.h> for the rules).
 * Fields are read byte by byte, little-endian, through bounds-checked helpers: the module is
 * untrusted, may be any length and need not be aligned.
 */
#include <stdarg.h>

#include <frame64/elf.h>
#include <frame64/error.h>
#include <frame64/kprintf.h>

struct image {
    const uint8_t *p;
    size_t size;  /* the file's */
    size_t avail; /* bytes at p: the whole file, or its head (elf_plan_head()) */
};

/* Callers check the range first; these only assemble little-endian values. */
static uint64_t rd(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = bytes; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

/* One program header, decoded. */
struct phdr {
    uint32_t type;
    uint32_t flags;
    uint64_t offset;
    uint64_t vaddr;
    uint64_t filesz;
    uint64_t memsz;
    uint64_t align;
};

static struct phdr read_phdr(const uint8_t *p)
{
    return (struct phdr){
        .type = (uint32_t)rd(p + 0, 4),
        .flags = (uint32_t)rd(p + 4, 4),
        .offset = rd(p + 8, 8),
        .vaddr = rd(p + 16, 8),
        .filesz = rd(p + 32, 8),
        .memsz = rd(p + 40, 8),
        .align = rd(p + 48, 8),
    };
}

__attribute__((format(printf, 3, 4))) static int refuse(char *why, size_t why_size, const char *fmt,
                                                        ...)
{
    if (why_size > 0) {
        va_list ap;
        va_start(ap, fmt);
        kvsnprintf(why, why_size, fmt, ap);
        va_end(ap);
    }
    return K_EINVAL;
}

/* Whether [off, off + len) lies inside the file, without overflowing. */
static bool in_file(const struct image *im, uint64_t off, uint64_t len)
{
    return off <= im->size && len <= im->size - off;
}

/* Whether [off, off + len) lies inside the bytes the planner was given. */
static bool in_head(const struct image *im, uint64_t off, uint64_t len)
{
    return off <= im->avail && len <= im->avail - off;
}

static unsigned seg_perm(uint32_t flags)
{
    return ((flags & ELF_PF_R) ? ELF_SEG_R : 0) | ((flags & ELF_PF_W) ? ELF_SEG_W : 0) |
           ((flags & ELF_PF_X) ? ELF_SEG_X : 0);
}

static int check_header(const struct image *im, char *why, size_t ws)
{
    const uint8_t *e = im->p;
    if (im->size < ELF_EHDR_SIZE)
        return refuse(why, ws, "file too small for an ELF header (%zu bytes, 64 needed)", im->size);
    if (im->avail < ELF_EHDR_SIZE)
        return refuse(why, ws, "only %zu bytes of its head were read, 64 needed", im->avail);
    if (e[0] != 0x7f || e[1] != 'E' || e[2] != 'L' || e[3] != 'F')
        return refuse(why, ws, "not an ELF file (bad magic)");
    if (e[4] != 2)
        return refuse(why, ws, "not a 64-bit ELF file (class %u)", e[4]);
    if (e[5] != 1)
        return refuse(why, ws, "not a little-endian ELF file (data encoding %u)", e[5]);
    uint32_t version = (uint32_t)rd(e + 20, 4);
    if (e[6] != 1 || version != 1)
        return refuse(why, ws, "unknown ELF version %u", e[6] != 1 ? e[6] : version);
    uint16_t type = (uint16_t)rd(e + 16, 2);
    if (type != ELF_ET_EXEC && type != ELF_ET_DYN)
        return refuse(why, ws, "not an executable file (ELF type %u)", type);
    uint16_t machine = (uint16_t)rd(e + 18, 2);
    if (machine != ELF_EM_X86_64)
        return refuse(why, ws, "not an x86-64 program (machine %u)", machine);
    uint16_t phentsize = (uint16_t)rd(e + 54, 2);
    if (phentsize != ELF_PHDR_SIZE)
        return refuse(why, ws, "program headers are %u bytes each, not 56", phentsize);
    uint16_t phnum = (uint16_t)rd(e + 56, 2);
    if (phnum == 0)
        return refuse(why, ws, "no program headers");
    if (phnum == ELF_PN_XNUM)
        return refuse(why, ws, "too many program headers (extended numbering, PN_XNUM)");
    uint64_t phoff = rd(e + 32, 8);
    if (!in_file(im, phoff, (uint64_t)phnum * ELF_PHDR_SIZE))
        return refuse(why, ws,
                      "program headers (offset 0x%lx, %u of them) run past the end of the "
                      "file (%zu bytes)",
                      phoff, phnum, im->size);
    if (!in_head(im, phoff, (uint64_t)phnum * ELF_PHDR_SIZE))
        return refuse(why, ws,
                      "program headers (offset 0x%lx, %u of them) lie past its first %zu bytes, "
                      "all the loader reads",
                      phoff, phnum, im->avail);
    return K_OK;
}

/* The PT_LOAD rules for header i; on success appends the segment to the plan. */
static int check_load(const struct image *im, uint64_t user_limit, unsigned i,
                      const struct phdr *ph, struct elf_plan *plan, char *why, size_t ws)
{
    if (ph->memsz == 0)
        return refuse(why, ws, "segment %u is empty (p_memsz is 0)", i);
    if (ph->filesz > ph->memsz)
        return refuse(why, ws,
                      "segment %u has more file bytes than memory bytes (p_filesz 0x%lx > "
                      "p_memsz 0x%lx)",
                      i, ph->filesz, ph->memsz);
    if (!in_file(im, ph->offset, ph->filesz))
        return refuse(why, ws,
                      "segment %u's file bytes (offset 0x%lx, 0x%lx bytes) run past the end of "
                      "the file (%zu bytes)",
                      i, ph->offset, ph->filesz, im->size);
    if (ph->align & (ph->align - 1))
        return refuse(why, ws, "segment %u has alignment 0x%lx, which is not a power of two", i,
                      ph->align);
    if ((ph->vaddr - ph->offset) % PAGE_SIZE != 0)
        return refuse(why, ws,
                      "segment %u's address 0x%lx and file offset 0x%lx differ modulo the page "
                      "size",
                      i, ph->vaddr, ph->offset);
    if (ph->align > PAGE_SIZE && (ph->vaddr - ph->offset) % ph->align != 0)
        return refuse(why, ws,
                      "segment %u's address 0x%lx and file offset 0x%lx differ modulo its "
                      "alignment 0x%lx",
                      i, ph->vaddr, ph->offset, ph->align);
    if (ph->vaddr < ELF_USER_MIN && !plan->pie)
        return refuse(why, ws, "segment %u starts at 0x%lx, inside the never-mapped first 64 KiB",
                      i, ph->vaddr);
    if (plan->pie && (ph->vaddr >= ELF_PIE_SPAN_MAX || ph->memsz > ELF_PIE_SPAN_MAX - ph->vaddr))
        return refuse(why, ws,
                      "segment %u (0x%lx bytes at 0x%lx) does not fit in a position-independent "
                      "program's 1 TiB",
                      i, ph->memsz, ph->vaddr);
    if (!plan->pie && (ph->vaddr > user_limit || ph->memsz > user_limit - ph->vaddr))
        return refuse(why, ws,
                      "segment %u (0x%lx bytes at 0x%lx) does not fit in the user half (below "
                      "0x%lx)",
                      i, ph->memsz, ph->vaddr, user_limit);
    unsigned perm = seg_perm(ph->flags);
    if ((perm & ELF_SEG_W) && (perm & ELF_SEG_X))
        return refuse(why, ws, "segment %u is both writable and executable", i);
    if (plan->nseg == ELF_MAX_SEGMENTS)
        return refuse(why, ws, "more than %u loadable segments (segment %u is one too many)",
                      ELF_MAX_SEGMENTS, i);
    /* user_limit is page aligned (a PIE's limit too) and the end is below it, so rounding up
     * cannot overflow. */
    uint64_t lo = ALIGN_DOWN(ph->vaddr, PAGE_SIZE);
    uint64_t hi = ALIGN_UP(ph->vaddr + ph->memsz, PAGE_SIZE);
    for (unsigned k = 0; k < plan->nseg; k++) {
        const struct elf_segment *s = &plan->seg[k];
        uint64_t slo = ALIGN_DOWN(s->vaddr, PAGE_SIZE);
        uint64_t shi = ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE);
        if (lo < shi && slo < hi)
            return refuse(why, ws, "segment %u overlaps segment %u", i, s->phindex);
    }
    plan->seg[plan->nseg++] = (struct elf_segment){
        .vaddr = ph->vaddr,
        .memsz = ph->memsz,
        .offset = ph->offset,
        .filesz = ph->filesz,
        .perm = perm,
        .phindex = i,
    };
    plan->brk_start = MAX(plan->brk_start, hi);
    plan->align = MAX(plan->align, ph->align);
    return K_OK;
}

/* Whether segment s's file bytes hold [off, off + len). */
static bool holds(const struct elf_segment *s, uint64_t off, uint64_t len)
{
    return off >= s->offset && off - s->offset <= s->filesz && len <= s->filesz - (off - s->offset);
}

/*
 * Where the program headers are in memory (AT_PHDR): what PT_PHDR says, provided some loadable
 * segment really puts the table there; without PT_PHDR, inside the first loadable segment (in
 * header order) whose file bytes hold the table.
 */
static int find_phdrs(const struct elf_plan *plan, uint64_t phoff, const struct phdr *pt_phdr,
                      unsigned pt_phdr_index, char *why, size_t ws, uint64_t *vaddr)
{
    uint64_t len = (uint64_t)plan->phnum * ELF_PHDR_SIZE;
    for (unsigned k = 0; k < plan->nseg; k++) {
        const struct elf_segment *s = &plan->seg[k];
        if (!holds(s, phoff, len))
            continue;
        uint64_t at = s->vaddr + (phoff - s->offset);
        if (!pt_phdr) {
            *vaddr = at;
            return K_OK;
        }
        if (pt_phdr->offset == phoff && pt_phdr->vaddr == at) {
            *vaddr = at;
            return K_OK;
        }
    }
    if (pt_phdr)
        return refuse(why, ws,
                      "segment %u (PT_PHDR) does not point at the program headers inside a "
                      "loadable segment",
                      pt_phdr_index);
    return refuse(why, ws,
                  "the program headers are not inside any loadable segment (needed for AT_PHDR)");
}

/*
 * A program that asks for a dynamic linker is refused naming it (what a person needs to know: the
 * program was linked dynamically). A position-independent one without any is a static PIE.
 */
static int refuse_dynamic(const struct image *im, uint64_t phoff, uint16_t phnum, char *why,
                          size_t ws)
{
    for (unsigned i = 0; i < phnum; i++) {
        struct phdr ph = read_phdr(im->p + phoff + (uint64_t)i * ELF_PHDR_SIZE);
        if (ph.type != ELF_PT_INTERP)
            continue;
        char name[41]; /* the sentence must fit ELF_WHY_SIZE */
        size_t n = 0;
        if (in_file(im, ph.offset, ph.filesz) && in_head(im, ph.offset, ph.filesz))
            for (; n < ph.filesz && n < sizeof(name) - 1; n++) {
                uint8_t c = im->p[ph.offset + n];
                if (c == '\0')
                    break;
                name[n] = c >= 0x20 && c < 0x7f ? (char)c : '?';
            }
        name[n] = '\0';
        if (!n)
            return refuse(why, ws,
                          "segment %u asks for a dynamic linker (PT_INTERP): link with -static", i);
        return refuse(why, ws,
                      "dynamically linked: it needs the dynamic linker %s (segment %u, PT_INTERP); "
                      "link with -static",
                      name, i);
    }
    return K_OK;
}

int elf_plan(const void *image, size_t size, uint64_t user_limit, struct elf_plan *plan, char *why,
             size_t ws)
{
    return elf_plan_head(image, size, size, user_limit, plan, why, ws);
}

int elf_plan_head(const void *head, size_t avail, size_t size, uint64_t user_limit,
                  struct elf_plan *plan, char *why, size_t ws)
{
    const struct image im = {head, size, MIN(avail, size)};
    if (ws > 0)
        why[0] = '\0';
    int err = check_header(&im, why, ws);
    if (err)
        return err;
    user_limit = ALIGN_DOWN(user_limit, PAGE_SIZE);
    *plan = (struct elf_plan){
        .entry = rd(im.p + 24, 8),
        .phent = ELF_PHDR_SIZE,
        .phnum = (uint16_t)rd(im.p + 56, 2),
        .pie = (uint16_t)rd(im.p + 16, 2) == ELF_ET_DYN,
        .align = PAGE_SIZE,
    };
    uint64_t phoff = rd(im.p + 32, 8);
    err = refuse_dynamic(&im, phoff, plan->phnum, why, ws);
    if (err)
        return err;
    bool has_pt_phdr = false;
    unsigned pt_phdr_index = 0;
    struct phdr pt_phdr = {0};

    for (unsigned i = 0; i < plan->phnum; i++) {
        struct phdr ph = read_phdr(im.p + phoff + (uint64_t)i * ELF_PHDR_SIZE);
        switch (ph.type) {
        case ELF_PT_DYNAMIC:
            if (plan->pie)
                break; /* a static PIE's own relocations */
            return refuse(why, ws,
                          "segment %u holds dynamic-linking information (PT_DYNAMIC): link with "
                          "-static -no-pie",
                          i);
        case ELF_PT_GNU_STACK:
            if (ph.flags & ELF_PF_X)
                return refuse(
                    why, ws, "segment %u asks for an executable stack (PT_GNU_STACK with PF_X)", i);
            break;
        case ELF_PT_PHDR:
            if (!has_pt_phdr) {
                has_pt_phdr = true;
                pt_phdr_index = i;
                pt_phdr = ph;
            }
            break;
        case ELF_PT_LOAD:
            err = check_load(&im, user_limit, i, &ph, plan, why, ws);
            if (err)
                return err;
            break;
        default: /* PT_TLS, PT_NOTE, PT_GNU_RELRO, ...: nothing for the loader to do */
            break;
        }
    }

    if (plan->nseg == 0)
        return refuse(why, ws, "no loadable segments");
    bool entry_ok = false;
    for (unsigned k = 0; k < plan->nseg; k++) {
        const struct elf_segment *s = &plan->seg[k];
        if ((s->perm & ELF_SEG_X) && plan->entry >= s->vaddr && plan->entry - s->vaddr < s->memsz)
            entry_ok = true;
    }
    if (!entry_ok)
        return refuse(why, ws, "entry point 0x%lx is not inside an executable segment",
                      plan->entry);
    return find_phdrs(plan, phoff, has_pt_phdr ? &pt_phdr : NULL, pt_phdr_index, why, ws,
                      &plan->phdr_vaddr);
}

uint64_t elf_pie_base(const struct elf_plan *plan, uint64_t random)
{
    return ALIGN_DOWN(ELF_ET_DYN_BASE + random % ELF_PIE_RANDOM_PAGES * PAGE_SIZE, plan->align);
}

int elf_plan_place(struct elf_plan *plan, uint64_t base, uint64_t user_limit, char *why, size_t ws)
{
    if (ws > 0)
        why[0] = '\0';
    /* A PIE's link-time addresses are below 2^40 (ELF_PIE_SPAN_MAX), an ET_EXEC's base is 0:
     * below this no address can wrap. */
    if (base % plan->align || (base && !plan->pie) || base > UINT64_MAX - ELF_PIE_SPAN_MAX)
        return refuse(why, ws, "cannot be loaded at 0x%lx", base);
    user_limit = ALIGN_DOWN(user_limit, PAGE_SIZE);
    plan->base = base;
    plan->entry += base;
    plan->phdr_vaddr += base;
    plan->brk_start += base;
    for (unsigned k = 0; k < plan->nseg; k++) {
        struct elf_segment *s = &plan->seg[k];
        s->vaddr += base;
        if (s->vaddr < ELF_USER_MIN)
            return refuse(why, ws,
                          "segment %u starts at 0x%lx, inside the never-mapped first 64 KiB",
                          s->phindex, s->vaddr);
        if (s->vaddr > user_limit || s->memsz > user_limit - s->vaddr)
            return refuse(why, ws,
                          "segment %u (0x%lx bytes at 0x%lx) does not fit in the user half "
                          "(below 0x%lx)",
                          s->phindex, s->memsz, s->vaddr, user_limit);
    }
    return K_OK;
}
