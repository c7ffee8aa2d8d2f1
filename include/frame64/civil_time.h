/* SPDX-License-Identifier: 0BSD */
/*
 * Calendar time (UTC) to Unix time, and the PC's CMOS clock registers to calendar time: pure
 * arithmetic, so the host tests can check every rule the real-time clock driver (src/dev/rtc.c)
 * relies on (BCD, the 12-hour format, the two-digit year, leap years).
 */
#ifndef FRAME64_CIVIL_TIME_H
#define FRAME64_CIVIL_TIME_H

#include <frame64/types.h>

struct civil_time {
    int year;   /* e.g. 2026 */
    int month;  /* 1..12 */
    int day;    /* 1..31 */
    int hour;   /* 0..23 */
    int minute; /* 0..59 */
    int second; /* 0..59 (a CMOS clock never shows a leap second) */
};

/* Whether t names a real moment from 1970 to 9999 (month lengths and leap years checked). */
bool civil_valid(const struct civil_time *t);

/* Seconds since 1970-01-01 00:00:00 UTC of a valid t (civil_valid()). */
int64_t civil_to_unix(const struct civil_time *t);

/* The CMOS clock's registers, as read: 0x00 seconds, 0x02 minutes, 0x04 hours, 0x07 day of the
 * month, 0x08 month, 0x09 year (two digits), and status register B (0x0B). */
struct cmos_clock {
    uint8_t second, minute, hour, day, month, year;
    uint8_t status_b;
};

#define CMOS_B_24H    0x02 /* status B: hours 0..23 (else 1..12, bit 7 of the hour = PM) */
#define CMOS_B_BINARY 0x04 /* status B: binary values (else BCD) */

/*
 * Decodes registers into *out: BCD or binary and 12- or 24-hour as status B says; a two-digit year
 * below 70 is 20yy, else 19yy (the century register's place differs between machines and ACPI
 * may not name it, so it is not read). Return: false if the registers do not decode to a valid
 * time (a clock that was never set, or a BCD digit above 9).
 */
bool cmos_clock_decode(const struct cmos_clock *raw, struct civil_time *out);

#endif
