/* SPDX-License-Identifier: 0BSD */
/*
 * The \_S5 sleep-type values from the DSDT's AML (include/frame64/acpi.h), without an AML
 * interpreter: firmware defines _S5 as a named package of constants, so finding the NameOp that
 * names "_S5_" and decoding the package's first two elements is enough. Anything else (a method,
 * a computed element) is refused rather than guessed.
 */
#include <frame64/acpi.h>
#include <frame64/error.h>
#include <frame64/kstring.h>

#define AML_ZERO    0x00
#define AML_ONE     0x01
#define AML_NAME    0x08
#define AML_BYTE    0x0A
#define AML_WORD    0x0B
#define AML_DWORD   0x0C
#define AML_QWORD   0x0E
#define AML_PACKAGE 0x12
#define AML_METHOD  0x14
#define AML_ROOT    0x5C /* '\' */
#define AML_ONES    0xFF

static int fail(const char **why, int err, const char *sentence)
{
    if (why)
        *why = sentence;
    return err;
}

/* Decodes one package element at aml[*i] into *v. Return: false if it is not a constant. */
static bool element(const uint8_t *aml, size_t len, size_t *i, uint64_t *v)
{
    if (*i >= len)
        return false;
    uint8_t op = aml[(*i)++];
    size_t n = 0;
    switch (op) {
    case AML_ZERO:
        *v = 0;
        return true;
    case AML_ONE:
        *v = 1;
        return true;
    case AML_ONES:
        *v = ~(uint64_t)0;
        return true;
    case AML_BYTE:
        n = 1;
        break;
    case AML_WORD:
        n = 2;
        break;
    case AML_DWORD:
        n = 4;
        break;
    case AML_QWORD:
        n = 8;
        break;
    default:
        return false;
    }
    if (len - *i < n)
        return false;
    *v = 0;
    for (size_t k = 0; k < n; k++)
        *v |= (uint64_t)aml[*i + k] << (8 * k);
    *i += n;
    return true;
}

/* Decodes a PkgLength at aml[*i]: *end gets one past the package. Return: false if malformed. */
static bool pkg_length(const uint8_t *aml, size_t len, size_t *i, size_t *end)
{
    size_t start = *i;
    if (start >= len)
        return false;
    uint8_t lead = aml[start];
    size_t follow = lead >> 6;
    if (len - start < 1 + follow)
        return false;
    uint32_t n = follow ? lead & 0x0F : lead & 0x3F;
    for (size_t k = 0; k < follow; k++)
        n |= (uint32_t)aml[start + 1 + k] << (4 + 8 * k);
    if (follow && (lead & 0x30))
        return false; /* bits 4-5 must be zero when more bytes follow */
    if (n < 1 + follow || n > len - start)
        return false;
    *end = start + n;
    *i = start + 1 + follow;
    return true;
}

int acpi_s5_parse(const uint8_t *aml, size_t len, uint8_t *slp_typa, uint8_t *slp_typb,
                  const char **why)
{
    bool method = false;
    for (size_t at = 0; at + 4 <= len; at++) {
        if (memcmp(aml + at, "_S5_", 4) != 0)
            continue;
        /* MethodOp with a one-byte PkgLength that happens to equal NameOp (0x08): a method. */
        bool named = !(at >= 2 && aml[at - 2] == AML_METHOD) &&
                     ((at >= 1 && aml[at - 1] == AML_NAME) ||
                      (at >= 2 && aml[at - 1] == AML_ROOT && aml[at - 2] == AML_NAME));
        if (!named) {
            /* MethodOp, a 1-4 byte PkgLength, "_S5_": the firmware computes the values. */
            for (size_t k = 2; k <= 5 && k <= at; k++)
                method = method || aml[at - k] == AML_METHOD;
            continue;
        }
        size_t i = at + 4, end;
        if (i >= len || aml[i] != AML_PACKAGE)
            return fail(why, K_EINVAL, "\\_S5 is named in the DSDT but is not a package");
        i++;
        if (!pkg_length(aml, len, &i, &end) || i >= end)
            return fail(why, K_EINVAL, "\\_S5's package length runs past the DSDT");
        uint8_t count = aml[i++];
        uint64_t a, b;
        if (count < 2 || !element(aml, end, &i, &a) || !element(aml, end, &i, &b))
            return fail(why, K_EINVAL, "\\_S5's package does not start with two constants");
        *slp_typa = (uint8_t)(a & 7);
        *slp_typb = (uint8_t)(b & 7);
        return K_OK;
    }
    if (method)
        return fail(why, K_EINVAL, "\\_S5 is a method here, which needs an AML interpreter");
    return fail(why, K_ENOENT, "the DSDT defines no \\_S5 object");
}

int acpi_s5_find(const struct acpi *a, const struct acpi_fadt *fadt, uint8_t *slp_typa,
                 uint8_t *slp_typb, const char **why)
{
    if (!fadt->dsdt)
        return fail(why, K_ENOENT, "the FADT names no DSDT");
    const struct acpi_header *d = acpi_table_at(&a->mem, fadt->dsdt, "DSDT", why);
    if (!d)
        return K_EINVAL;
    return acpi_s5_parse((const uint8_t *)d + ACPI_HEADER_LEN, d->length - ACPI_HEADER_LEN,
                         slp_typa, slp_typb, why);
}
