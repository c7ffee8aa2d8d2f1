/* SPDX-License-Identifier: 0BSD */
/*
 * The first error tier: explicit error codes for exhaustion and bad input. Functions that can fail
 * return 0 on success or one of these (negative); callers must check.
 */
#ifndef FRAME64_ERROR_H
#define FRAME64_ERROR_H

enum kerr {
    K_OK = 0,
    K_EPERM = -1,   /* not permitted (a page both writable and executable: W^X) */
    K_ENOENT = -2,  /* nothing there (no such range, no such tag, no mapping) */
    K_EAGAIN = -11, /* a limit is reached for now (the process table is full) */
    K_ENOMEM = -12, /* out of memory or out of list slots */
    K_EACCES = -13, /* the protection does not allow the access */
    K_EFAULT = -14, /* an address that cannot be accessed (unmapped, wrong permission) */
    K_EEXIST = -17, /* already there (an overlapping mapping) */
    K_EINVAL = -22, /* bad argument: empty range, misaligned, wrong owner */
    K_ERANGE = -34, /* outside what the structure covers */
};

/* A short human phrase for an error code ("out of memory"). */
const char *kerr_str(int err);

#endif
