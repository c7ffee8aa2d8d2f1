/* SPDX-License-Identifier: 0BSD */
/*
 * Programs given as GRUB modules: every module whose command line begins with the word "exec" is
 * run, in the order GRUB lists them, one after another; the words after "exec" are its argv
 * (argv[0], its name, first), read back from GRUB's escaping (grub_args.h), so an argument may
 * hold spaces, quotes and backslashes. Each ends with one line, and a summary says whether every
 * frame came back.
 */
#include <frame64/grub_args.h>
#include <frame64/kernel.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/phys.h>
#include <frame64/process.h>

#define EXEC_ARGS_MAX 32
#define EXEC_LINE_MAX 1024
#define EXEC_ERR_SIZE 64

/*
 * A module's arguments, decoded into line (EXEC_LINE_MAX bytes). Return: how many, 0 when the
 * module is not an "exec" one, -1 with a sentence in err when it cannot be read.
 */
static int exec_args(const char *string, char *line, char **argv, char *err)
{
    size_t len = strlen(string);
    if (strncmp(string, "exec", 4) != 0 || (string[4] != ' ' && string[4] != '\0'))
        return 0;
    if (len >= EXEC_LINE_MAX) {
        ksnprintf(err, EXEC_ERR_SIZE, "its command line is %zu characters (the limit is %u)", len,
                  EXEC_LINE_MAX - 1);
        return -1;
    }
    memcpy(line, string, len + 1);
    int argc = grub_args_split(line, argv, EXEC_ARGS_MAX + 1, err, EXEC_ERR_SIZE);
    if (argc >= 0 && argc < 2) {
        ksnprintf(err, EXEC_ERR_SIZE, "no program name after \"exec\"");
        return -1;
    }
    return argc;
}

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
        char *argv[EXEC_ARGS_MAX + 1], err[EXEC_ERR_SIZE];
        int argc = exec_args(m.string, line, argv, err);
        if (argc == 0)
            continue;
        programs++;
        if (argc < 0) {
            kprintf("exec: refused a module: %s\n", err);
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
    char line[EXEC_LINE_MAX], *argv[EXEC_ARGS_MAX + 1], err[EXEC_ERR_SIZE];
    mb2_for_each_module(&boot_info, cursor, &m)
    {
        if (exec_args(m.string, line, argv, err) <= 0 || strcmp(argv[1], name) != 0)
            continue;
        *image = phys_to_virt(m.start);
        *size = m.end - m.start;
        return true;
    }
    return false;
}
