/* SPDX-License-Identifier: 0BSD */
/* Human phrases for the kernel's error codes. */
#include <frame64/error.h>

const char *kerr_str(int err)
{
    switch (err) {
    case K_OK:
        return "success";
    case K_EPERM:
        return "not permitted";
    case K_ENOENT:
        return "not found";
    case K_EAGAIN:
        return "a limit is reached for now";
    case K_ENOMEM:
        return "out of memory";
    case K_EACCES:
        return "permission denied";
    case K_EFAULT:
        return "bad address";
    case K_EEXIST:
        return "already exists";
    case K_EINVAL:
        return "invalid argument";
    case K_ERANGE:
        return "out of range";
    default:
        return "unknown error";
    }
}
