/* SPDX-License-Identifier: 0BSD */
/*
 * cpio_next(): newc archives as Linux's initramfs takes them (tests/support/cpio_write.h builds
 * them), and every malformed field refused with a sentence instead of a read past the image.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <frame64/cpio.h>

#include "cpio_write.h"

static uint8_t buf[8192];

static struct cpio_out out(void)
{
    memset(buf, 0, sizeof(buf));
    return (struct cpio_out){.buf = buf, .size = sizeof(buf)};
}

/* Reads every entry of [buf, buf + len); expects the archive to end cleanly. */
static int read_all(size_t len, struct cpio_entry *e, int max)
{
    char err[CPIO_ERR_SIZE] = "";
    size_t at = 0;
    int n = 0, r;
    while (n < max && (r = cpio_next(buf, len, &at, &e[n], err, sizeof(err))) > 0)
        n++;
    assert_string_equal(err, "");
    return n;
}

/* The first error sentence reading [buf, buf + len) gives, or "" if none. */
static const char *first_error(size_t len)
{
    static char err[CPIO_ERR_SIZE];
    struct cpio_entry e;
    size_t at = 0;
    err[0] = '\0';
    while (cpio_next(buf, len, &at, &e, err, sizeof(err)) > 0)
        ;
    return err;
}

/*
 * A directory, a 5-byte file (data padded to 8), a symlink, a character device, the trailer.
 * Expect four entries with their names, modes, sizes, data and device numbers, then the end.
 */
static void test_entries(void **state)
{
    (void)state;
    struct cpio_out o = out();
    cpio_write(&o, "etc", CPIO_S_IFDIR | 0755, 1, "", 0, 0);
    cpio_write(&o, "etc/motd", CPIO_S_IFREG | 0644, 2, "hello", 5, 0);
    cpio_write(&o, "bin/sh", CPIO_S_IFLNK | 0777, 3, "busybox", 7, 0);
    cpio_write(&o, "dev/console", CPIO_S_IFCHR | 0600, 4, "", 0, 0);
    cpio_trailer(&o);
    struct cpio_entry e[8];
    assert_int_equal(read_all(o.len, e, 8), 4);
    assert_string_equal(e[0].name, "etc");
    assert_int_equal(e[0].mode, CPIO_S_IFDIR | 0755);
    assert_string_equal(e[1].name, "etc/motd");
    assert_int_equal(e[1].size, 5);
    assert_memory_equal(e[1].data, "hello", 5);
    assert_int_equal(e[1].ino, 2);
    assert_int_equal(e[2].mode & CPIO_S_IFMT, CPIO_S_IFLNK);
    assert_memory_equal(e[2].data, "busybox", 7);
    assert_int_equal(e[3].rdev_major, 5);
    assert_int_equal(e[3].rdev_minor, 1);
    assert_int_equal(e[3].offset % 4, 0);
}

/*
 * Two archives, 512 zero bytes between them (a padded first module), and an image ending right
 * after an entry with no trailer. Expect both archives' entries in order; the trailer of the
 * first is not the end of the image.
 */
static void test_concatenated_and_unterminated(void **state)
{
    (void)state;
    struct cpio_out o = out();
    cpio_write(&o, "a", CPIO_S_IFREG | 0644, 1, "1", 1, 0);
    cpio_trailer(&o);
    o.len += 512;
    cpio_write(&o, "b", CPIO_S_IFREG | 0644, 2, "22", 2, 1);
    struct cpio_entry e[4];
    char err[CPIO_ERR_SIZE] = "";
    size_t at = 0;
    assert_int_equal(cpio_next(buf, o.len, &at, &e[0], err, sizeof(err)), 1);
    assert_int_equal(cpio_next(buf, o.len, &at, &e[1], err, sizeof(err)), 0); /* a trailer */
    assert_int_equal(cpio_next(buf, o.len, &at, &e[1], err, sizeof(err)), 1);
    assert_string_equal(e[1].name, "b");
    assert_int_equal(cpio_next(buf, o.len, &at, &e[2], err, sizeof(err)), 0); /* the end */
    assert_int_equal(at, o.len);
    assert_string_equal(err, "");
}

/*
 * One good file entry, then each field broken in turn. Expect a sentence for each: the magic,
 * a field digit, a name size of 0 and one past the image, a name without its NUL, a data size
 * past the image, a header cut short, a 070702 check that does not match.
 */
static void test_malformed(void **state)
{
    (void)state;
    struct cpio_out o = out();
    cpio_write(&o, "file", CPIO_S_IFREG | 0644, 1, "data", 4, 1);
    size_t len = o.len;
    assert_string_equal(first_error(len), "");

    buf[5] = '9';
    assert_non_null(strstr(first_error(len), "not a newc cpio header"));
    buf[5] = '2';
    buf[6 + 8 * 1 + 3] = 'g'; /* mode */
    assert_non_null(strstr(first_error(len), "not 8 hex digits"));
    buf[6 + 8 * 1 + 3] = '0';
    memcpy(buf + 6 + 8 * 11, "00000000", 8); /* namesize 0 */
    assert_non_null(strstr(first_error(len), "has a name of 0 bytes"));
    memcpy(buf + 6 + 8 * 11, "00010000", 8); /* namesize past the image */
    assert_non_null(strstr(first_error(len), "has a name of 65536 bytes"));
    memcpy(buf + 6 + 8 * 11, "00000004", 8); /* "fil" + 'e' where the NUL should be */
    assert_non_null(strstr(first_error(len), "not one NUL-ended string"));
    memcpy(buf + 6 + 8 * 11, "00000005", 8);
    memcpy(buf + 6 + 8 * 6, "00001000", 8); /* 4096 bytes of data */
    assert_non_null(strstr(first_error(len), "4096 bytes of data, past the archive's end"));
    memcpy(buf + 6 + 8 * 6, "00000004", 8);
    assert_non_null(strstr(first_error(100), "are not a cpio header"));
    buf[len - 4] ^= 1; /* the data */
    assert_non_null(strstr(first_error(len), "sums to"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entries),
        cmocka_unit_test(test_concatenated_and_unterminated),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
