/* SPDX-License-Identifier: 0BSD */
/* Helpers shared by the memory ktests (see ktest_util.h). */
#include "ktest_util.h"

#include <frame64/kstring.h>

extern char __kernel_phys_start[], __kernel_phys_end[];

size_t ktest_boot_ranges(struct ktest_range *out, size_t max)
{
    size_t n = 0;
    if (n < max)
        out[n++] = (struct ktest_range){(phys_addr_t)__kernel_phys_start,
                                        (phys_addr_t)__kernel_phys_end, "the kernel image"};
    if (n < max)
        out[n++] = (struct ktest_range){boot_info.phys, boot_info.phys + boot_info.size,
                                        "the boot information"};
    uint32_t cursor;
    struct mb2_module m;
    mb2_for_each_module(&boot_info, cursor, &m)
    {
        if (n < max)
            out[n++] = (struct ktest_range){m.start, m.end, "a module"};
    }
    return n;
}

const struct ktest_range *ktest_overlap(const struct ktest_range *ranges, size_t n,
                                        phys_addr_t base, phys_addr_t end)
{
    for (size_t i = 0; i < n; i++)
        if (base < ranges[i].end && ranges[i].base < end)
            return &ranges[i];
    return NULL;
}

void ktest_snapshot_take(struct ktest_snapshot *s, const struct region_list *l)
{
    frame_settle(&kernel_frames);
    s->count = l->count;
    memcpy(s->r, l->regions, MIN(l->count, ARRAY_SIZE(s->r)) * sizeof(struct region));
}

bool ktest_snapshot_equal(const struct ktest_snapshot *s, const struct region_list *l)
{
    if (s->count != l->count)
        return false;
    for (size_t i = 0; i < MIN(s->count, ARRAY_SIZE(s->r)); i++)
        if (s->r[i].base != l->regions[i].base || s->r[i].end != l->regions[i].end ||
            s->r[i].tag != l->regions[i].tag)
            return false;
    return true;
}
