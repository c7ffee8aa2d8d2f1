/* SPDX-License-Identifier: 0BSD */
/*
 * Calendar arithmetic for the real-time clock (include/frame64/civil_time.h). Days are counted in
 * 400-year eras of 146097 days starting on a 1 March, so February's leap day is the last day of
 * its year and the month lengths follow a simple linear rule (the approach is the well-known
 * "days from civil" one, written out here).
 */
#include <frame64/civil_time.h>

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
    static const uint8_t days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : days[m - 1];
}

bool civil_valid(const struct civil_time *t)
{
    if (t->year < 1970 || t->year > 9999 || t->month < 1 || t->month > 12)
        return false;
    return t->day >= 1 && t->day <= month_days(t->year, t->month) && t->hour >= 0 &&
           t->hour <= 23 && t->minute >= 0 && t->minute <= 59 && t->second >= 0 && t->second <= 59;
}

/* Days from 1970-01-01 to y-m-d (y >= 1970, so no era before year 0 is needed). */
static int64_t days_since_epoch(int y, int m, int d)
{
    y -= m <= 2;                                         /* years start on 1 March */
    int64_t era = y / 400, yoe = y - era * 400;          /* year of era, 0..399 */
    int64_t mp = (m + 9) % 12;                           /* March = 0 .. February = 11 */
    int64_t doy = (153 * mp + 2) / 5 + d - 1;            /* day of the year from 1 March */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* day of the era */
    return era * 146097 + doe - 719468; /* 719468: days from 0000-03-01 to 1970-01-01 */
}

int64_t civil_to_unix(const struct civil_time *t)
{
    return days_since_epoch(t->year, t->month, t->day) * 86400 + t->hour * 3600 + t->minute * 60 +
           t->second;
}

/* A BCD byte as a number, or -1 if a digit is above 9. */
static int from_bcd(uint8_t v)
{
    if ((v & 0x0f) > 9 || (v >> 4) > 9)
        return -1;
    return (v >> 4) * 10 + (v & 0x0f);
}

bool cmos_clock_decode(const struct cmos_clock *raw, struct civil_time *out)
{
    bool binary = raw->status_b & CMOS_B_BINARY;
    bool pm = !(raw->status_b & CMOS_B_24H) && (raw->hour & 0x80);
    const uint8_t in[6] = {raw->second, raw->minute, (uint8_t)(raw->hour & 0x7f),
                           raw->day,    raw->month,  raw->year};
    int v[6];
    for (int i = 0; i < 6; i++) {
        v[i] = binary ? in[i] : from_bcd(in[i]);
        if (v[i] < 0)
            return false;
    }
    int hour = v[2];
    if (!(raw->status_b & CMOS_B_24H)) { /* 12 AM is midnight, 12 PM noon */
        if (hour < 1 || hour > 12)
            return false;
        hour = hour % 12 + (pm ? 12 : 0);
    }
    if (v[5] > 99)
        return false;
    *out = (struct civil_time){v[5] < 70 ? 2000 + v[5] : 1900 + v[5], v[4], v[3], hour, v[1], v[0]};
    return civil_valid(out);
}
