/* SPDX-License-Identifier: 0BSD */
/*
 * The arguments of the monitor's `run` (pure; monitor.h): a size and a zone, and for each bad one
 * the sentence that says what to type instead, before anything asks the frame manager.
 */
#include <frame64/args.h>
#include <frame64/dma.h>
#include <frame64/error.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/monitor.h>

static const char *const zone_names[] = {
    [DMA_ZONE_ISA] = "isa",
    [DMA_ZONE_32] = "dma32",
    [DMA_ZONE_ANY] = "any",
};

const char *monitor_zone_name(unsigned zone)
{
    return zone < ARRAY_SIZE(zone_names) ? zone_names[zone] : "?";
}

int monitor_run_args(int argc, char **argv, uint64_t *bytes, unsigned *zone, char *err,
                     size_t err_size)
{
    if (args_number(argv[1], bytes, err, err_size) != K_OK)
        return K_EINVAL;
    *zone = DMA_ZONE_ANY;
    if (argc == 3) {
        unsigned z = 0;
        while (z < ARRAY_SIZE(zone_names) && strcmp(argv[2], zone_names[z]) != 0)
            z++;
        if (z == ARRAY_SIZE(zone_names)) {
            char word[41];
            size_t len = strlen(argv[2]) < 40 ? strlen(argv[2]) : 40;
            memcpy(word, argv[2], len);
            word[len] = '\0';
            ksnprintf(err, err_size,
                      "run: '%s' is not a zone; say isa (below 16 MiB), dma32 (below 4 GiB) or "
                      "any.",
                      word);
            return K_EINVAL;
        }
        *zone = z;
    }
    if (*bytes == 0 || *bytes > 64 * GiB) {
        ksnprintf(err, err_size, "run: a run is 1 byte to 64 GiB (rounded up to 4 KiB), not %llu.",
                  (unsigned long long)*bytes);
        return K_EINVAL;
    }
    *bytes = ALIGN_UP(*bytes, PAGE_SIZE);
    if (*zone == DMA_ZONE_ISA && *bytes > DMA_ISA_MAX_BYTES) {
        ksnprintf(err, err_size,
                  "run: an ISA run is at most 64 KiB, since ISA DMA cannot cross a 64 KiB "
                  "boundary; ask for 64K or less, or use zone dma32 or any.");
        return K_EINVAL;
    }
    return K_OK;
}
