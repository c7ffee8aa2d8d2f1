/* SPDX-License-Identifier: 0BSD */
/*
 * Programs given as GRUB modules: every module whose command line begins with the word "exec" is
 * run, in the order GRUB lists them, one after another; the words after "exec" are its argv
 * (argv[0], its name, first). Each ends with one line, and a summary says whether every frame
 * came back.
 */
#include <frame64/args.h>
#include <frame64/kernel.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/phys.h>
#include <frame64/process.h>

#define EXEC_ARGS_MAX 32
#define EXEC_LINE_MAX 1024

void proc_run_modules(void)
{
    static char line[EXEC_LINE_MAX];
    struct mb2_module m;
    uint32_t cursor;
    struct frame_stats before, after;
    unsigned programs = 0, exited = 0, killed = 0;

    frame_get_stats(&kernel_frames, &before);
    uint64_t tables = kernel_table_bytes(); /* kept once made: not a leak (kernel.h) */
    mb2_for_each_module(&boot_info, cursor, &m)
    {
        char *argv[EXEC_ARGS_MAX + 1], err[ARGS_ERR_SIZE];
        size_t len = strlen(m.string);
        if (strncmp(m.string, "exec", 4) != 0 || (m.string[4] != ' ' && m.string[4] != '\0'))
            continue;
        programs++;
        if (len >= sizeof(line)) {
            kprintf("exec: refused a module: its command line is %zu characters (the limit is "
                    "%u)\n",
                    len, EXEC_LINE_MAX - 1);
            continue;
        }
        memcpy(line, m.string, len + 1);
        int argc = args_split(line, argv, EXEC_ARGS_MAX + 1, err, sizeof(err));
        if (argc < 2) {
            kprintf("exec: refused a module: %s\n",
                    argc < 0 ? err : "no program name after \"exec\"");
            continue;
        }
        struct proc_result res;
        const char *name = argv[1];
        proc_run(name, phys_to_virt(m.start), m.end - m.start, (unsigned)argc - 1,
                 (const char *const *)argv + 1, NULL, &res);
        proc_report(name, &res);
        exited += res.end == PROC_EXITED;
        killed += res.end == PROC_KILLED;
    }
    if (!programs)
        return;
    frame_get_stats(&kernel_frames, &after);
    after.in_use -= kernel_table_bytes() - tables;
    int64_t leaked = (int64_t)(after.in_use - before.in_use) / (int64_t)PAGE_SIZE;
    kprintf("exec: %u programs, %u exited, %u killed; frames leaked: %lld\n", programs, exited,
            killed, (long long)leaked);
    if (leaked)
        proc_print_holdings();
}

bool proc_find_module(const char *name, const void **image, size_t *size)
{
    struct mb2_module m;
    uint32_t cursor;
    size_t n = strlen(name);
    mb2_for_each_module(&boot_info, cursor, &m)
    {
        const char *s = m.string;
        if (strncmp(s, "exec ", 5) != 0)
            continue;
        s += 5;
        while (*s == ' ')
            s++;
        if (strncmp(s, name, n) != 0 || (s[n] != ' ' && s[n] != '\0'))
            continue;
        *image = phys_to_virt(m.start);
        *size = m.end - m.start;
        return true;
    }
    return false;
}
