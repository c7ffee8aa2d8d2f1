/* SPDX-License-Identifier: 0BSD */
/* CRC-32 (IEEE 802.3, the one zlib and `crc32=` module tags use). */
#ifndef FRAME64_CRC32_H
#define FRAME64_CRC32_H

#include <frame64/types.h>

/* Continues a CRC over n more bytes; start with crc = 0. Return: the updated CRC. */
uint32_t crc32_update(uint32_t crc, const void *data, size_t n);

#endif
