/* SPDX-License-Identifier: 0BSD */
/*
 * Linux's errno values (x86-64, asm-generic/errno-base.h and errno.h), for the code whose errors a
 * user program sees as they are: the system calls and the file system under them. Functions
 * return them negated (-ENOENT), as Linux's kernel functions do. The kernel's own tier of errors
 * (include/frame64/error.h's K_*) keeps its values; where the two name the same thing the numbers
 * agree.
 */
#ifndef FRAME64_ERRNO_H
#define FRAME64_ERRNO_H

enum {
    EPERM = 1,
    ENOENT = 2,
    ESRCH = 3,
    EINTR = 4,
    EIO = 5,
    ENXIO = 6,
    E2BIG = 7,
    ENOEXEC = 8,
    EBADF = 9,
    ECHILD = 10,
    EAGAIN = 11,
    ENOMEM = 12,
    EACCES = 13,
    EFAULT = 14,
    EBUSY = 16,
    EEXIST = 17,
    EXDEV = 18,
    ENODEV = 19,
    ENOTDIR = 20,
    EISDIR = 21,
    EINVAL = 22,
    ENFILE = 23,
    EMFILE = 24,
    ENOTTY = 25,
    ETXTBSY = 26,
    EFBIG = 27,
    ENOSPC = 28,
    ESPIPE = 29,
    EROFS = 30,
    EMLINK = 31,
    EPIPE = 32,
    ERANGE = 34,
    ENAMETOOLONG = 36,
    ENOSYS = 38,
    ENOTEMPTY = 39,
    ELOOP = 40,
    EOVERFLOW = 75,
    EOPNOTSUPP = 95,
    ETIMEDOUT = 110,
};

/* The C library's sentence for err (negated or not), as strerror() (src/lib/errno_str.c). */
const char *errno_str(int err);

#endif
