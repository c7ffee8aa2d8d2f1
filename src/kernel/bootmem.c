/* SPDX-License-Identifier: 0BSD */
/*
 * Memory bring-up (include/frame64/bootmem.h): the path a memory-map entry takes from the boot
 * loader to a frame, in the order the steps must happen.
 *
 *   1. Size the boot list from the raw map. A sanitized map of n entries needs at most
 *      memmap_list_bound() entries; the static array serves small maps, and a bigger list is put
 *      where every raw entry agrees there is free RAM and no boot data lies (the list may not
 *      grow yet: growth would take memory that the carve-outs are about to reserve).
 *   2. Sanitize: the entries are read from the boot block through a memmap_source, never copied.
 *   3. Carve the boot data out by plain ranges.
 *   4. Map all RAM at DIRECT_MAP_BASE; from then on phys_to_virt() reaches every page, so the list
 *      may grow (its only grow-limit write), and the frame manager starts.
 */
#include <frame64/bootmem.h>
#include <frame64/error.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/layout.h>
#include <frame64/pagetable.h>
#include <frame64/phys.h>
#include <frame64/physmap.h>

static struct region boot_storage[REGION_STATIC_CAPACITY];

/* ---- the raw map, as the sanitizer reads it ---- */

static void map_get(void *ctx, size_t i, struct memmap_entry *e)
{
    struct mb2_mmap_entry m;
    mb2_mmap_get(ctx, i, &m); /* multiboot2 and memmap number the types alike (E820's numbers) */
    *e = (struct memmap_entry){.base = m.base, .len = m.len, .type = m.type};
}

struct memmap_source bootmem_map_source(const struct mb2_info *mb)
{
    return (struct memmap_source){
        .count = mb2_mmap_count(mb),
        .get = map_get,
        .ctx = (void *)mb,
        .name = mb->map_source == MB2_MAP_EFI ? "EFI" : "multiboot2",
    };
}

/* ---- the boot data, in carve order, as entries whose type is the owner's tag ---- */

struct boot_ranges {
    const struct mb2_info *mb;
    const struct bootmem_config *c;
    size_t module_index; /* the module the cursor below stands after */
    uint32_t module_cursor;
};

enum { FIXED_BEFORE_MODULES = BOOTMEM_BOOTSTRAP_MAX + 2 }; /* bootstrap..., kernel, boot info */

static void range_get(void *ctx, size_t i, struct memmap_entry *e)
{
    struct boot_ranges *b = ctx;
    const struct memmap_range *r = NULL;
    *e = (struct memmap_entry){0};
    if (i <= BOOTMEM_BOOTSTRAP_MAX && !b->c) {
        return; /* no image given: an empty range */
    } else if (i < BOOTMEM_BOOTSTRAP_MAX) {
        r = &b->c->bootstrap[i];
        e->type = REGION_BOOTSTRAP;
    } else if (i == BOOTMEM_BOOTSTRAP_MAX) {
        r = &b->c->kernel;
        e->type = REGION_KERNEL;
    } else if (!b->mb) {
        return;
    } else if (i == BOOTMEM_BOOTSTRAP_MAX + 1) {
        *e = (struct memmap_entry){b->mb->phys, b->mb->size, REGION_BOOTINFO};
    } else if (i < FIXED_BEFORE_MODULES + b->mb->module_count) {
        /* Modules are a chain of tags: walk it forward, restarting only when asked to go back. */
        size_t want = i - FIXED_BEFORE_MODULES + 1;
        struct mb2_module m = {0};
        if (want <= b->module_index)
            b->module_index = b->module_cursor = 0;
        while (b->module_index < want && mb2_module_next(b->mb, &b->module_cursor, &m))
            b->module_index++;
        if (b->module_index == want)
            *e = (struct memmap_entry){m.start, m.end - m.start, REGION_MODULE};
    } else if (b->mb->cmdline) {
        /* For multiboot2 the command line is a tag inside the block: normally nothing to do. */
        phys_addr_t cb = b->mb->cmdline_phys, ce = cb + strlen(b->mb->cmdline) + 1;
        if (cb < b->mb->phys || ce > b->mb->phys + b->mb->size)
            *e = (struct memmap_entry){cb, ce - cb, REGION_CMDLINE};
    }
    if (r) {
        e->base = r->base;
        e->len = r->end - r->base; /* an inverted range wraps: memmap_carve_owned() refuses it */
    }
}

static struct memmap_source ranges_source(struct boot_ranges *b)
{
    return (struct memmap_source){.count =
                                      FIXED_BEFORE_MODULES + (b->mb ? b->mb->module_count + 1 : 0),
                                  .get = range_get,
                                  .ctx = b};
}

/* ---- the steps ---- */

int bootmem_sanitize(struct region_list *l, const struct mb2_info *mb,
                     const struct bootmem_config *c)
{
    struct memmap_source map = bootmem_map_source(mb);
    struct boot_ranges b = {.mb = mb, .c = c};
    struct memmap_source boot = ranges_source(&b);
    /* Every carve-out may split two entries, and so may the META mark of the storage itself. */
    size_t need = memmap_list_bound(map.count, boot.count + 2);
    phys_addr_t room = 0;

    if (need <= ARRAY_SIZE(boot_storage)) {
        region_init(l, "memory", boot_storage, ARRAY_SIZE(boot_storage));
    } else {
        uint64_t bytes = ALIGN_UP(need * sizeof(struct region), PAGE_SIZE);
        room = memmap_find_room(&map, bytes, physmap_limit(), &boot);
        if (room == PHYS_NONE) {
            kprintf("memmap: %zu entries need a list of %llu KiB, and no free range below "
                    "0x%llx clear of boot data holds it\n",
                    map.count, (unsigned long long)(bytes / KiB),
                    (unsigned long long)physmap_limit());
            return K_ENOMEM;
        }
        region_init(l, "memory", phys_to_virt(room), bytes / sizeof(struct region));
    }
    int err = memmap_sanitize(l, &map, c->phys_bits);
    if (err == K_OK && room)
        err = region_adopt_storage(l, room);
    return err;
}

int bootmem_carve(struct region_list *l, const struct mb2_info *mb, const struct bootmem_config *c)
{
    struct boot_ranges b = {.mb = mb, .c = c};
    struct memmap_source boot = ranges_source(&b);
    struct memmap_entry e;
    int err = K_OK;
    for (size_t i = 0; i < boot.count && err == K_OK; i++) {
        boot.get(boot.ctx, i, &e);
        err = memmap_carve_owned(l, e.base, e.base + e.len, e.type);
    }
    if (err == K_OK)
        err = memmap_carve(l, 0, 1 * MiB, REGION_LOWMEM);
    return err;
}

/* Highest end of anything that is RAM (free, ACPI, or owned by someone): the direct map's end. */
static phys_addr_t ram_end(const struct region_list *l)
{
    phys_addr_t end = 0;
    const struct region *r;
    region_for_each(l, r)
    {
        if (r->tag != REGION_FIRMWARE && r->tag != REGION_BAD)
            end = MAX(end, r->end);
    }
    return end;
}

/*
 * A frame for one of the kernel's first tables (any level), from the region list in ctx: the frame
 * pool does not exist yet, so these are not kernel_table_frame()'s. Top-down: the highest free
 * frame the boot map reaches, so low memory stays for DMA.
 */
static phys_addr_t boot_table_frame(void *ctx, int level)
{
    (void)level;
    struct region_request req = {
        .size = PAGE_SIZE, .max = physmap_limit(), .tag = REGION_PAGETABLE, .top_down = true};
    phys_addr_t pa;
    region_alloc(ctx, &req, &pa);
    return pa;
}

/* The image's parts and what each may do: text R-X, rodata R--, data and bss RW-. */
static int map_image(struct region_list *l, const struct bootmem_config *c, phys_addr_t pml4,
                     uint64_t nx, uint64_t g)
{
    const struct {
        const struct memmap_range *r;
        uint64_t flags;
    } parts[] = {{&c->text, g}, {&c->rodata, nx | g}, {&c->data, PTE_WRITE | nx | g}};
    int err = K_OK;
    for (size_t i = 0; i < ARRAY_SIZE(parts) && err == K_OK; i++) {
        const struct memmap_range *r = parts[i].r;
        if (r->end > r->base)
            err = pt_map(pml4, KERNEL_VMA + r->base, r->base, r->end - r->base, parts[i].flags,
                         PT_4K | PT_2M, boot_table_frame, l);
    }
    return err;
}

/*
 * Builds the kernel's own page tables and switches to them: all RAM at DIRECT_MAP_BASE with the
 * largest pages the CPU has (data only), the image at KERNEL_VMA with each part's permissions,
 * the kernel half's other PML4 slots created empty (layout.h), global pages where the CPU has
 * them, NX where it has it, and nothing in the lower half: the boot identity map is gone, and
 * *mb is moved onto the direct map with it. Return: K_OK or the error that kept the boot tables
 * live (the new ones are then only reserved memory).
 */
static int map_kernel(struct region_list *l, struct mb2_info *mb, const struct bootmem_config *c,
                      phys_addr_t *pml4_out)
{
    uint64_t nx = c->nx ? PTE_NX : 0, g = c->global ? PTE_GLOBAL : 0;
    unsigned sizes = PT_4K | PT_2M | (c->huge_1g ? PT_1G : 0);
    uint64_t size = ALIGN_UP(ram_end(l), 2 * MiB);
    uint64_t before = region_total(l, REGION_PAGETABLE);
    phys_addr_t pml4 = boot_table_frame(l, PT_LEVEL_PML4);
    if (pml4 == PHYS_NONE)
        return K_ENOMEM;
    memset(phys_to_virt(pml4), 0, PAGE_SIZE);
    int err =
        pt_map(pml4, DIRECT_MAP_BASE, 0, size, PTE_WRITE | nx | g, sizes, boot_table_frame, l);
    if (err == K_OK)
        err = map_image(l, c, pml4, nx, g);
    if (err == K_OK)
        err = pt_link_pdpt(pml4, DEVICE_MAP_BASE, boot_table_frame, l);
    if (err == K_OK)
        err = pt_link_pdpt(pml4, KSTACK_AREA_BASE, boot_table_frame, l);
    if (err != K_OK)
        return err;
    physmap_switch(pml4, DIRECT_MAP_BASE, size);
    region_remap(l);
    if (mb)
        mb2_relocate(mb, phys_to_virt(mb->phys));
    /* The list's one grow-limit write: from here on it can reach whatever it grows into. */
    region_set_grow_limit(l, size);
    *pml4_out = pml4;
    kprintf("direct map: physical [0, 0x%llx) at 0x%llx with %s pages, %llu table frames\n",
            (unsigned long long)size, (unsigned long long)DIRECT_MAP_BASE,
            c->huge_1g ? "1 GiB/2 MiB" : "2 MiB",
            (unsigned long long)((region_total(l, REGION_PAGETABLE) - before) / PAGE_SIZE));
    kprintf("vm: kernel page tables at 0x%llx: text r-x, rodata r--, data rw-, direct map rw-%s%s; "
            "no identity map\n",
            (unsigned long long)pml4, c->nx ? ", NX" : " (no NX on this CPU)",
            c->global ? ", global pages" : "");
    return K_OK;
}

int bootmem_init(struct region_list *l, struct frame_pool *p, struct mb2_info *mb,
                 const struct bootmem_config *c, phys_addr_t *pml4, const char **failed)
{
    int err = bootmem_sanitize(l, mb, c);
    if (err != K_OK) {
        *failed = "the firmware memory map could not be read";
        return err;
    }
    err = bootmem_carve(l, mb, c);
    if (err != K_OK) {
        *failed = "the kernel and boot data could not be reserved";
        return err;
    }
    memmap_print(l);
    err = map_kernel(l, mb, c, pml4);
    if (err != K_OK) {
        *failed = "the kernel's page tables could not be built";
        return err;
    }
    err = frame_init(p, l, c->frame_flags);
    if (err != K_OK) {
        *failed = "the page-frame manager could not start";
        return err;
    }
    frame_print_stats(p);
    return K_OK;
}

phys_addr_t bootmem_take_ap_page(struct region_list *l)
{
    /* The highest page of low RAM: below the EBDA and ROMs, clear of the real-mode IVT and BDA. */
    for (size_t i = region_index_after(l, 1 * MiB); i-- > 0;) {
        const struct region *r = &l->regions[i];
        phys_addr_t top = ALIGN_DOWN(MIN(r->end, 1 * MiB), PAGE_SIZE);
        if (r->tag != REGION_LOWMEM || top < 2 * PAGE_SIZE || top - PAGE_SIZE < r->base)
            continue;
        if (region_retag(l, top - PAGE_SIZE, top, REGION_LOWMEM, REGION_APSTART) == K_OK)
            return top - PAGE_SIZE;
    }
    kprintf("bootmem: no usable page below 1 MiB to start the other CPUs from\n");
    return 0;
}
