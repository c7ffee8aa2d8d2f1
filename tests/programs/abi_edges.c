/* SPDX-License-Identifier: 0BSD */
/*
 * abi_edges: system-call answers at the edges where a kernel is easily more lenient than Linux:
 * mmap with both MAP_FIXED and MAP_FIXED_NOREPLACE over a mapping (-EEXIST, the data kept), a
 * zero-length write from a kernel address (-EFAULT: the range is checked even when empty),
 * writev whose second element points into the kernel (-EFAULT, nothing written), a negative
 * length in an iovec (-EINVAL), too many iovecs (-EINVAL), a bad descriptor before a bad count
 * (-EBADF). Prints a line per check; exits 0 when every answer was Linux's, else with the number
 * of the first check that was not.
 */
#include <sys/uio.h>

#include "progs.h"

#define KERNEL_ADDRESS 0xffff800000000000l

static int check(int n, long got, long want, const char *what)
{
    if (got == want) {
        say("abi_edges: %2d ok: %s", n, what);
        return 0;
    }
    say("abi_edges: %2d FAIL: %s: got %ld, expected %ld", n, what, got, want);
    return n;
}

int main(void)
{
    int fail = 0;
    say("abi_edges: system calls at the edges, answered as Linux answers");

    long page = sys_mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, 0);
    if (mmap_failed(page)) {
        say("abi_edges: FAIL: no memory to start with (%ld)", page);
        return 99;
    }
    memset((void *)page, 0x5a, 2 * PG);
    long r = raw6(SYS_mmap, page, PG, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_FIXED_NOREPLACE, -1, 0);
    fail = fail ?: check(1, r, -17, "mmap(MAP_FIXED | MAP_FIXED_NOREPLACE) over a mapping");
    fail = fail ?: check(2, *(volatile unsigned char *)page, 0x5a, "  and its data is still there");
    r = raw6(SYS_mmap, page + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
             -1, 0);
    fail = fail ?: check(3, r, -17, "mmap(MAP_FIXED_NOREPLACE) over its second page");
    fail = fail
               ?: check(4, raw6(SYS_write, 1, KERNEL_ADDRESS, 0, 0, 0, 0), -14,
                        "write(1, kernel address, 0)");
    fail = fail ?: check(5, raw6(SYS_write, 1, page, 0, 0, 0, 0), 0, "write(1, mapped page, 0)");

    struct iovec iov[2] = {{(void *)"abi_edges: this line must not appear\n", 37},
                           {(void *)KERNEL_ADDRESS, 8}};
    fail = fail
               ?: check(6, raw6(SYS_writev, 1, (long)iov, 2, 0, 0, 0), -14,
                        "writev(good, kernel address): nothing written");
    iov[1] = (struct iovec){(void *)page, (size_t)-1};
    fail = fail
               ?: check(7, raw6(SYS_writev, 1, (long)iov, 2, 0, 0, 0), -22,
                        "writev with a negative length");
    fail = fail
               ?: check(8, raw6(SYS_writev, 1, (long)iov, 1025, 0, 0, 0), -22,
                        "writev of 1025 iovecs");
    fail = fail
               ?: check(9, raw6(SYS_writev, 9, (long)iov, 1025, 0, 0, 0), -9,
                        "writev to a closed descriptor with too many iovecs");
    fail = fail ?: check(10, raw6(SYS_writev, 1, (long)iov, 0, 0, 0, 0), 0, "writev of nothing");
    if (!fail)
        say("abi_edges: every answer was Linux's");
    return fail;
}
