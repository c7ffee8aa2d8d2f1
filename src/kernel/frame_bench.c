/* SPDX-License-Identifier: 0BSD */
/* The allocation micro-benchmark (include/frame64/frame_bench.h). */
#include <frame64/arch.h>
#include <frame64/error.h>
#include <frame64/frame_bench.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>

int frame_bench_run(struct frame_pool *p, uint64_t pairs, phys_addr_t *held, uint64_t nheld,
                    struct frame_bench *out)
{
    memset(out, 0, sizeof(*out));
    uint64_t c0 = arch_cycles();
    for (; out->pairs < pairs; out->pairs++) {
        phys_addr_t pa = frame_alloc(p);
        if (pa == PHYS_NONE)
            break;
        frame_free(p, pa);
    }
    uint64_t c1 = arch_cycles();
    for (; out->frames < nheld; out->frames++)
        if ((held[out->frames] = frame_alloc(p)) == PHYS_NONE)
            break;
    uint64_t c2 = arch_cycles();
    for (uint64_t i = 0; i < out->frames; i++)
        frame_free(p, held[i]);
    uint64_t c3 = arch_cycles();
    out->pair_cycles = (c1 - c0) / (out->pairs ? out->pairs : 1);
    out->alloc_cycles = (c2 - c1) / (out->frames ? out->frames : 1);
    out->free_cycles = (c3 - c2) / (out->frames ? out->frames : 1);
    return out->pairs || out->frames ? K_OK : K_ENOMEM;
}

void frame_bench_print(const struct frame_pool *p, const struct frame_bench *b, const char *prefix)
{
    kprintf("%sframe_alloc+frame_free pair %llu cycles; alloc %llu, free %llu cycles "
            "(%llu frames; %s checks)\n",
            prefix, (unsigned long long)b->pair_cycles, (unsigned long long)b->alloc_cycles,
            (unsigned long long)b->free_cycles, (unsigned long long)b->frames,
            p->flags & FRAME_CHECK ? "debug" : "release");
}
