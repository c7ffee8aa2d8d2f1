/* SPDX-License-Identifier: 0BSD */
/*
 * The single-producer, single-consumer byte ring (include/frame64/ring.h). The indices run freely
 * and wrap at 2^32; their difference is the fill, at most RING_SIZE.
 */
#include <frame64/ring.h>

_Static_assert((RING_SIZE & (RING_SIZE - 1)) == 0, "RING_SIZE must be a power of two");

bool ring_put(struct byte_ring *r, uint8_t b)
{
    uint32_t head = r->head; /* only this side writes it */
    if (head - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE) == RING_SIZE) {
        r->dropped++;
        return false;
    }
    r->data[head & (RING_SIZE - 1)] = b;
    __atomic_store_n(&r->head, head + 1, __ATOMIC_RELEASE); /* publishes the byte */
    return true;
}

int ring_get(struct byte_ring *r)
{
    uint32_t tail = r->tail;
    if (__atomic_load_n(&r->head, __ATOMIC_ACQUIRE) == tail)
        return -1;
    uint8_t b = r->data[tail & (RING_SIZE - 1)];
    __atomic_store_n(&r->tail, tail + 1, __ATOMIC_RELEASE); /* the slot may be reused now */
    return b;
}
