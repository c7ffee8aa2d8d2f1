/* SPDX-License-Identifier: 0BSD */
/*
 * badptr: hands the kernel pointers it must refuse -- a kernel address, NULL, an unmapped page,
 * a read-only page to write into, an iovec that points nowhere -- and checks each answer is an
 * error (-EFAULT, or -EINVAL/-ENOMEM for bad ranges), never a crash. Exits 0 when every answer
 * was the expected one, else with the number of the first check that was not.
 */
#include <sys/uio.h>

#include "progs.h"

static int check(int n, long got, long want, const char *what)
{
    if (got == want)
        return 0;
    say("badptr: check %d (%s): got %ld, expected %ld", n, what, got, want);
    return n;
}

int main(void)
{
    long ro = sys_mmap(NULL, PG, PROT_READ, 0);
    long hole = sys_mmap(NULL, PG, PROT_READ | PROT_WRITE, 0);
    sys_munmap((void *)hole, PG);
    struct iovec bad_iov[1] = {{(void *)0x10, 8}};
    int fail = 0;
    say("badptr: passing bad pointers to the kernel");
    fail = fail ? fail
                : check(1, raw6(SYS_write, 1, (long)0xffff800000000000ul, 8, 0, 0, 0), -14,
                        "write from a kernel address");
    fail = fail ? fail : check(2, raw6(SYS_write, 1, 0, 8, 0, 0, 0), -14, "write from NULL");
    fail = fail
               ? fail
               : check(3, raw6(SYS_write, 1, hole, 8, 0, 0, 0), -14, "write from an unmapped page");
    fail = fail ? fail
                : check(4, raw6(SYS_writev, 1, (long)bad_iov, 1, 0, 0, 0), -14,
                        "writev of a bad buffer");
    fail =
        fail ? fail : check(5, raw6(SYS_writev, 1, 0x20, 1, 0, 0, 0), -14, "writev of a bad iovec");
    fail = fail ? fail
                : check(6, raw6(SYS_write, 1, (long)0xffffffff80000000ul, 1 << 20, 0, 0, 0), -14,
                        "write from the kernel image");
    fail = fail ? fail
                : check(7, raw6(SYS_arch_prctl, 0x1003, ro, 0, 0, 0, 0), -14,
                        "arch_prctl(ARCH_GET_FS) into a read-only page");
    fail = fail ? fail
                : check(8, raw6(SYS_arch_prctl, 0x1003, (long)0xffff800000001000ul, 0, 0, 0, 0),
                        -14, "arch_prctl(ARCH_GET_FS) into the kernel");
    fail = fail ? fail
                : check(9, raw6(SYS_munmap, (long)0xffff800000000000ul, PG, 0, 0, 0, 0), -22,
                        "munmap of a kernel address");
    fail = fail ? fail
                : check(10, raw6(SYS_mprotect, ro + 1, PG, PROT_READ, 0, 0, 0), -22,
                        "mprotect of a misaligned address");
    fail = fail ? fail
                : check(11, raw6(SYS_write, 7, ro, 1, 0, 0, 0), -9,
                        "write to a file descriptor that is not open");
    if (!fail)
        say("badptr: every bad pointer was refused");
    return fail;
}
