/* SPDX-License-Identifier: 0BSD */
/* Matching a monitor line to a command and checking its argument count (pure; monitor.h). */
#include <frame64/args.h>
#include <frame64/error.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/monitor.h>

const struct monitor_cmd *monitor_find(const struct monitor_cmd *cmds, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(cmds[i].name, name) == 0)
            return &cmds[i];
    return NULL;
}

int monitor_parse(const struct monitor_cmd *cmds, size_t n, char *line,
                  const struct monitor_cmd **cmd, int *argc, char **argv, char *err,
                  size_t err_size)
{
    *cmd = NULL;
    *argc = args_split(line, argv, ARGS_MAX_WORDS, err, err_size);
    if (*argc < 0)
        return K_EINVAL;
    if (*argc == 0)
        return K_OK;
    const struct monitor_cmd *c = monitor_find(cmds, n, argv[0]);
    if (!c) {
        /* Long junk is cut (the line is ours to change) so that the sentence still fits. */
        if (strlen(argv[0]) > 40)
            argv[0][40] = '\0';
        ksnprintf(err, err_size, "unknown command '%s' (try 'help')", argv[0]);
        return K_ENOENT;
    }
    int args = *argc - 1;
    if (args < c->min_args || args > c->max_args) {
        ksnprintf(err, err_size, "%s: usage: %s (%s)",
                  args < c->min_args ? "missing argument" : "too many arguments", c->usage,
                  c->help);
        return K_EINVAL;
    }
    *cmd = c;
    return K_OK;
}

size_t monitor_first_duplicate(const struct monitor_cmd *cmds, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (monitor_find(cmds, i, cmds[i].name))
            return i;
    return n;
}

/* The first max bytes of s (up to its end or a newline) into out, NUL-terminated. */
static size_t copy_line(char *out, size_t max, const char *s)
{
    size_t len = 0;
    while (s[len] && s[len] != '\n')
        len++;
    size_t kept = len < max ? len : max;
    memcpy(out, s, kept);
    out[kept] = '\0';
    return len;
}

void monitor_help(const struct monitor_cmd *cmds, size_t n, const char *name)
{
    if (!name) {
        kprintf("Commands (numbers: 4096, 0x1000, 64K, 2M, 1G; 'help NAME' says more):\n");
        for (size_t i = 0; i < n; i++)
            kprintf("  %-26s %s\n", cmds[i].usage, cmds[i].help);
        return;
    }
    char line[128];
    const struct monitor_cmd *c = monitor_find(cmds, n, name);
    if (!c) {
        copy_line(line, 40, name); /* long junk is cut so the sentence still fits a line */
        kprintf("help: there is no command '%s'; 'help' lists them.\n", line);
        return;
    }
    kprintf("usage: %s\n  %s\n", c->usage, c->help);
    for (const char *p = c->details; p && *p;) {
        size_t len = copy_line(line, sizeof(line) - 1, p);
        kprintf("  %s\n", line);
        p += len + (p[len] == '\n');
    }
}
