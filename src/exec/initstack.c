/* SPDX-License-Identifier: 0BSD */
/* The System V x86-64 initial stack image (layout in <frame64/initstack.h>). */
#include <stdarg.h>

#include <frame64/error.h>
#include <frame64/initstack.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>

#define RANDOM_BYTES 16

/* Words from argc to AT_NULL's value: argc, argv[], NULL, envp[], NULL, the auxv pairs. */
static uint64_t table_words(unsigned argc, unsigned envc, bool vdso)
{
    return 1 + (uint64_t)argc + 1 + (uint64_t)envc + 1 + 2 * (INITSTACK_AUXV_ENTRIES + vdso);
}

static void put64(uint8_t *p, uint64_t v)
{
    for (unsigned i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

__attribute__((format(printf, 4, 5))) static int fail(int err, char *why, size_t why_size,
                                                      const char *fmt, ...)
{
    if (why_size > 0) {
        va_list ap;
        va_start(ap, fmt);
        kvsnprintf(why, why_size, fmt, ap);
        va_end(ap);
    }
    return err;
}

int initstack_build(const struct elf_plan *plan, uint64_t stack_top, unsigned argc,
                    const char *const *argv, const uint8_t random[16], void *buf, size_t buf_size,
                    struct initstack *out, char *why, size_t ws)
{
    return initstack_build_env(plan, stack_top, argc, argv, 0, NULL, 0, random, buf, buf_size, out,
                               why, ws);
}

/* String i of the image: argv's, then envp's. */
static const char *string_at(unsigned i, unsigned argc, const char *const *argv,
                             const char *const *envp)
{
    return i < argc ? argv[i] : envp[i - argc];
}

int initstack_build_env(const struct elf_plan *plan, uint64_t stack_top, unsigned argc,
                        const char *const *argv, unsigned envc, const char *const *envp,
                        uint64_t vdso, const uint8_t random[16], void *buf, size_t buf_size,
                        struct initstack *out, char *why, size_t ws)
{
    if (ws > 0)
        why[0] = '\0';
    if (!IS_ALIGNED(stack_top, 16))
        return fail(K_EINVAL, why, ws, "stack top 0x%lx is not 16-byte aligned", stack_top);

    /* Sizes first, each step bounded by buf_size so nothing can overflow. */
    uint64_t strings = 0;
    for (unsigned i = 0; i < argc + envc; i++) {
        strings += strlen(string_at(i, argc, argv, envp)) + 1;
        if (strings > buf_size)
            return fail(K_ENOMEM, why, ws, "the arguments do not fit in the %zu-byte initial stack",
                        buf_size);
    }
    uint64_t words = table_words(argc, envc, vdso != 0);
    if (words > buf_size / 8)
        return fail(K_ENOMEM, why, ws, "the arguments do not fit in the %zu-byte initial stack",
                    buf_size);
    /* Offsets below stack_top: strings end where the random bytes start. */
    uint64_t strings_at = RANDOM_BYTES + strings;
    uint64_t len = ALIGN_UP(strings_at + 8 * words, 16);
    if (len > buf_size)
        return fail(K_ENOMEM, why, ws, "the arguments do not fit in the %zu-byte initial stack",
                    buf_size);
    if (len > stack_top)
        return fail(K_EINVAL, why, ws, "stack top 0x%lx is too low for a %lu-byte initial stack",
                    stack_top, len);

    uint8_t *img = (uint8_t *)buf + (buf_size - len);
    uint64_t rsp = stack_top - len;
    memset(img, 0, len);

    /* The top: random bytes, then the strings below them (argv[0] lowest). */
    uint8_t *rnd = img + len - RANDOM_BYTES;
    memcpy(rnd, random, RANDOM_BYTES);
    uint64_t str_off = len - strings_at; /* offset of argv[0]'s first byte in img */

    uint8_t *w = img;
    put64(w, argc);
    w += 8;
    if (!argc)
        w += 8; /* argv's NULL, before any envp */
    for (unsigned i = 0; i < argc + envc; i++) {
        const char *str = string_at(i, argc, argv, envp);
        size_t n = strlen(str) + 1;
        memcpy(img + str_off, str, n);
        put64(w, rsp + str_off);
        w += 8;
        str_off += n;
        if (i + 1 == argc)
            w += 8; /* argv's NULL */
    }
    w += 8; /* envp's NULL */
    if (vdso) {
        put64(w, AT_SYSINFO_EHDR);
        put64(w + 8, vdso);
        w += 16;
    }
    const uint64_t auxv[INITSTACK_AUXV_ENTRIES][2] = {
        {AT_PAGESZ, PAGE_SIZE},
        {AT_RANDOM, rsp + (uint64_t)(rnd - img)},
        {AT_ENTRY, plan->entry},
        {AT_PHDR, plan->phdr_vaddr},
        {AT_PHENT, plan->phent},
        {AT_PHNUM, plan->phnum},
        {AT_BASE, 0}, /* no interpreter: a static PIE relocates itself */
        {AT_NULL, 0},
    };
    for (unsigned i = 0; i < INITSTACK_AUXV_ENTRIES; i++) {
        put64(w, auxv[i][0]);
        put64(w + 8, auxv[i][1]);
        w += 16;
    }
    *out = (struct initstack){.rsp = rsp, .bytes = img, .len = len};
    return K_OK;
}
