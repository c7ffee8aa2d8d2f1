/* SPDX-License-Identifier: 0BSD */
/*
 * libFuzzer harness: the page-frame manager against the model of its free frames
 * (tests/support/frame_model.c). Byte 0 picks the pool's flags, the region list (roomy, tight,
 * growing) and whether to give everything back at the end (frame_model.h); then each operation is
 * an opcode byte and as many argument bytes as it takes (fm_arg_bytes()). The model checks the
 * counters after every step and, after every run request, that the run was granted exactly when a
 * fitting run existed among all free frames.
 */
#include <frame64/types.h>

#include "frame_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *p = data, *end = data + size;
    unsigned cfg = p < end ? *p++ : 0;
    fm_start(cfg);
    while (p < end) {
        unsigned op = *p++;
        uint64_t arg = 0;
        for (unsigned i = fm_arg_bytes(op); i > 0; i--)
            arg = arg << 8 | (p < end ? *p++ : 0);
        fm_step(op, arg);
    }
    fm_finish(cfg);
    return 0;
}
