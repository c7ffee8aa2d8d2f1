/* SPDX-License-Identifier: 0BSD */
/*
 * The small map the frame fuzzers (fuzz_frame, fuzz_frame_model) and the model's cmocka twin run
 * the pool on: 32 MiB, 4,844 free frames, 1,776 of them below FRAME_ISA_LIMIT, every kind of
 * range the pool must step around, and four 2 MiB areas that can become whole (small, so that
 * exhausting it, which every low-memory path needs, stays cheap):
 *   0   1M   2M fw 2M+64K 4M krn 5M hole 12M    16M    17M bad 17M+16K 19M hole 20M  21M nvs
 *   |low|free|  |  free   |     |      |  free .|. free |   |  free     |       |free|     ...
 *   21M nvs 24M         32M
 *   ...     | free      |
 */
#ifndef TEST_FRAME_TEST_MAP_H
#define TEST_FRAME_TEST_MAP_H

#include <frame64/region.h>

#define FM_ARENA (32 * MiB)

static const struct region fm_map[] = {
    {0, 1 * MiB, REGION_LOWMEM, 0},
    {1 * MiB, 2 * MiB, REGION_FREE, 0},
    {2 * MiB, 2 * MiB + 64 * KiB, REGION_FIRMWARE, 0},
    {2 * MiB + 64 * KiB, 4 * MiB, REGION_FREE, 0},
    {4 * MiB, 5 * MiB, REGION_KERNEL, 0},
    {12 * MiB, 17 * MiB, REGION_FREE, 0},
    {17 * MiB, 17 * MiB + 16 * KiB, REGION_BAD, 0},
    {17 * MiB + 16 * KiB, 19 * MiB, REGION_FREE, 0},
    {20 * MiB, 21 * MiB, REGION_FREE, 0},
    {21 * MiB, 24 * MiB, REGION_ACPI_NVS, 0},
    {24 * MiB, 32 * MiB, REGION_FREE, 0},
};

#endif
