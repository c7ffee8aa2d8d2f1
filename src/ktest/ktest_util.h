/* SPDX-License-Identifier: 0BSD */
/* Helpers shared by the memory ktests: the boot ranges that must never be handed out. */
#ifndef KTEST_UTIL_H
#define KTEST_UTIL_H

#include <frame64/kernel.h>

#define KTEST_MAX_BOOT_RANGES 64

struct ktest_range {
    phys_addr_t base, end;
    const char *what;
};

/*
 * Fills out with what boot put in RAM, computed from the boot information and the linker
 * symbols, not from the region list: the kernel image, the information block, each module.
 * Return: how many ranges (at most max).
 */
size_t ktest_boot_ranges(struct ktest_range *out, size_t max);

/* The first of ranges[0..n) that overlaps [base, end), or NULL. */
const struct ktest_range *ktest_overlap(const struct ktest_range *ranges, size_t n,
                                        phys_addr_t base, phys_addr_t end);

/*
 * A copy of the region list, to check that a call left it unchanged. Only the first 2,048 entries
 * are kept (a map fragmented into a thousand ranges by GRUB's cutmem fits); the count of a longer
 * list still is compared.
 */
struct ktest_snapshot {
    size_t count;
    struct region r[2048];
};
/*
 * Copies l, after settling the frame pool (frame_settle()) so that a run request cannot change
 * the list by giving stacked frames back on its own between the snapshot and the comparison.
 */
void ktest_snapshot_take(struct ktest_snapshot *s, const struct region_list *l);
bool ktest_snapshot_equal(const struct ktest_snapshot *s, const struct region_list *l);

#endif
