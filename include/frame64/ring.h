/* SPDX-License-Identifier: 0BSD */
/*
 * A byte ring for one producer and one consumer, without a lock: an interrupt handler puts the
 * bytes a device received, the code that reads the device takes them (COM1, the PS/2 keyboard).
 * Producer and consumer may run on different CPUs: each index is written by one side only and
 * published with a release store, read by the other with an acquire load. A full ring drops the
 * new byte and counts it (a device's own FIFO does the same when nobody reads it).
 */
#ifndef FRAME64_RING_H
#define FRAME64_RING_H

#include <frame64/types.h>

#define RING_SIZE 256 /* a power of two: the indices wrap with a mask */

struct byte_ring {
    uint32_t head;    /* bytes ever put (written by the producer only) */
    uint32_t tail;    /* bytes ever taken (written by the consumer only) */
    uint32_t dropped; /* bytes refused because the ring was full (producer only) */
    uint8_t data[RING_SIZE];
};

/* The producer's side. Return: false if the ring was full and b was dropped. */
bool ring_put(struct byte_ring *r, uint8_t b);

/* The consumer's side. Return: the oldest byte, or -1 if the ring is empty. */
int ring_get(struct byte_ring *r);

#endif
