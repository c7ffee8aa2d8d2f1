/* SPDX-License-Identifier: 0BSD */
/*
 * The lock-free bitmap (see lockfree_bitmap.h). Written to be a fair opponent: the fast path is
 * one load and one compare-and-swap on the hint's word, full words are skipped eight at a time as
 * in the single-threaded baseline, and the CPUs start in different cache lines so they do not
 * fight over words until memory runs short.
 *
 * Memory order: a successful claim is an acquire and a free is a release on the same word, so
 * whatever the freeing CPU wrote to the frame happens before the next owner uses it; the hint and
 * the searches' loads are relaxed (a stale word only costs a failed compare-and-swap or a skip).
 */
#include "lockfree_bitmap.h"

#include <arch/cpu_local.h>
#include <frame64/error.h>
#include <frame64/panic.h>

#include "bitmap_alloc.h"

#define ALL_ONES (~(uint64_t)0)

static inline uint64_t load(const uint64_t *w)
{
    return __atomic_load_n(w, __ATOMIC_RELAXED);
}

/* Index of the first word in [i, n) with a clear bit (as last seen), or n. */
static uint64_t next_nonfull(const uint64_t *w, uint64_t i, uint64_t n)
{
    while (i + 8 <= n) {
        uint64_t a = load(&w[i]) & load(&w[i + 1]) & load(&w[i + 2]) & load(&w[i + 3]) &
                     load(&w[i + 4]) & load(&w[i + 5]) & load(&w[i + 6]) & load(&w[i + 7]);
        if (a != ALL_ONES)
            break;
        i += 8;
    }
    while (i < n && load(&w[i]) == ALL_ONES)
        i++;
    return i;
}

/*
 * Claims the lowest clear bit of the first word in [*i, end) that still has one when its
 * compare-and-swap lands. Return: the frame number, with *i its word; or UINT64_MAX if none.
 */
static uint64_t claim(uint64_t *words, uint64_t *i, uint64_t end)
{
    uint64_t j = *i;
    while (j < end) {
        uint64_t w = load(&words[j]);
        if (w == ALL_ONES) {
            j = next_nonfull(words, j + 1, end);
            if (j == end)
                break;
            w = load(&words[j]);
        }
        while (w != ALL_ONES) { /* a failed exchange reloads w: another CPU changed the word */
            uint64_t m = ~w & (w + 1);
            if (__atomic_compare_exchange_n(&words[j], &w, w | m, false, __ATOMIC_ACQUIRE,
                                            __ATOMIC_RELAXED)) {
                *i = j;
                return j * 64 + (uint64_t)__builtin_ctzll(m);
            }
        }
        j++; /* filled by others meanwhile */
    }
    return UINT64_MAX;
}

uint64_t lfb_storage_bytes(const struct region_list *map)
{
    return bitmap_storage_bytes(map);
}

int lfb_init(struct lf_bitmap *b, const struct region_list *map, uint64_t *storage,
             uint64_t storage_bytes)
{
    struct bitmap_alloc plain; /* the same layout: its init writes every word once */
    int err = bitmap_init(&plain, map, storage, storage_bytes);
    if (err != K_OK)
        return err;
    b->words = plain.words;
    b->nwords = plain.nwords;
    b->nframes = plain.nframes;
    for (unsigned c = 0; c < CPU_MAX; c++)
        b->hint[c].word = ALIGN_DOWN(b->nwords * c / CPU_MAX, 8); /* 8 words: one cache line */
    return K_OK;
}

phys_addr_t lfb_alloc(struct lf_bitmap *b)
{
    uint64_t *hint = &b->hint[arch_cpu_index()].word;
    uint64_t start = *hint, i = start;
    uint64_t f = claim(b->words, &i, b->nwords);
    if (f == UINT64_MAX && start > 0) {
        i = 0;
        f = claim(b->words, &i, start);
    }
    if (f == UINT64_MAX)
        return PHYS_NONE;
    *hint = i;
    return f << PAGE_SHIFT;
}

void lfb_free(struct lf_bitmap *b, phys_addr_t pa)
{
    uint64_t f = pa >> PAGE_SHIFT;
    if (!IS_ALIGNED(pa, PAGE_SIZE) || f >= b->nframes)
        panic("lfb_free: 0x%llx is not a frame of the map", (unsigned long long)pa);
    uint64_t m = (uint64_t)1 << (f % 64);
    uint64_t old = __atomic_fetch_and(&b->words[f / 64], ~m, __ATOMIC_RELEASE);
    if (!(old & m))
        panic("lfb_free: frame 0x%llx is already free", (unsigned long long)pa);
}

uint64_t lfb_free_frames(const struct lf_bitmap *b)
{
    uint64_t n = 0;
    for (uint64_t i = 0; i < b->nwords; i++)
        n += (uint64_t)__builtin_popcountll(~load(&b->words[i]));
    return n; /* bits past nframes are set by bitmap_init, so they never count */
}
