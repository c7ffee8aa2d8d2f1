/* SPDX-License-Identifier: 0BSD */
/*
 * The PC's real-time clock (the MC146818 in the chipset's CMOS, ports 0x70/0x71): the date and
 * time the firmware keeps, read once at boot for CLOCK_REALTIME. The registers change while the
 * clock updates them once a second (status A bit 7 warns of it), so they are read after an
 * update, twice, until two reads agree. Port 0x70's bit 7 masks NMIs while set; it is kept clear.
 * Decoding (BCD, 12-hour, the two-digit year) is src/lib/civil_time.c's.
 */
#include <arch/cpu.h>
#include <frame64/civil_time.h>
#include <frame64/devices.h>

#define CMOS_INDEX     0x70
#define CMOS_DATA      0x71
#define REG_STATUS_A   0x0a
#define REG_STATUS_B   0x0b
#define A_UPDATING     0x80
#define UPDATE_WAIT    1000000 /* reads of status A: an update takes under 2 ms */
#define AGREEING_TRIES 8

static uint8_t cmos(uint8_t reg)
{
    outb(CMOS_INDEX, reg);
    return inb(CMOS_DATA);
}

/* Waits until no update is in progress. Return: false if the flag never cleared (no clock). */
static bool settled(void)
{
    for (unsigned i = 0; i < UPDATE_WAIT; i++)
        if (!(cmos(REG_STATUS_A) & A_UPDATING))
            return true;
    return false;
}

static bool read_once(struct cmos_clock *c)
{
    if (!settled())
        return false;
    *c = (struct cmos_clock){cmos(0x00), cmos(0x02), cmos(0x04),        cmos(0x07),
                             cmos(0x08), cmos(0x09), cmos(REG_STATUS_B)};
    return true;
}

bool rtc_read(struct civil_time *out)
{
    struct cmos_clock a, b;
    if (!read_once(&a))
        return false;
    for (unsigned i = 0; i < AGREEING_TRIES; i++, a = b) {
        if (!read_once(&b))
            return false;
        if (a.second == b.second && a.minute == b.minute && a.hour == b.hour && a.day == b.day &&
            a.month == b.month && a.year == b.year)
            return cmos_clock_decode(&b, out);
    }
    return false;
}
