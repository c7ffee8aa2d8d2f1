/* SPDX-License-Identifier: 0BSD */
/* strerror() for the kernel's lines: the C library's words for the errno values it returns. */
#include <frame64/errno.h>

const char *errno_str(int err)
{
    switch (err < 0 ? -err : err) {
    case 0:
        return "Success";
    case EPERM:
        return "Operation not permitted";
    case ENOENT:
        return "No such file or directory";
    case EIO:
        return "Input/output error";
    case ENOMEM:
        return "Cannot allocate memory";
    case EACCES:
        return "Permission denied";
    case EEXIST:
        return "File exists";
    case ENOTDIR:
        return "Not a directory";
    case EISDIR:
        return "Is a directory";
    case EINVAL:
        return "Invalid argument";
    case EFBIG:
        return "File too large";
    case ENOSPC:
        return "No space left on device";
    case ENAMETOOLONG:
        return "File name too long";
    case ENOTEMPTY:
        return "Directory not empty";
    case ELOOP:
        return "Too many levels of symbolic links";
    default:
        return "Unknown error";
    }
}
