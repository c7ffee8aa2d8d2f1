/* SPDX-License-Identifier: 0BSD */
/*
 * The monitor: a shell on COM1 and the keyboard that a person at the machine uses after boot.
 * Commands register themselves, like ktests, from any kernel file; the linker collects them into
 * the monitor_cmds section (boot/linker.ld), so later work adds commands without touching the
 * monitor:
 *
 *   MONITOR_COMMAND(alloc, "alloc N", 1, 1, "allocate N frames and keep them",
 *                   "what `help alloc` adds: limits, where memory comes from, what to do next")
 *   {
 *       ... argv[0] is "alloc", argv[1] the first argument; argc counts both ...
 *   }
 *
 * The dispatcher checks the argument count against [min_args, max_args] and prints the usage
 * otherwise; a command checks the arguments themselves (args_number() for numbers) and answers
 * bad ones with a sentence. The matching and checking are pure (src/monitor/dispatch.c).
 */
#ifndef FRAME64_MONITOR_H
#define FRAME64_MONITOR_H

#include <frame64/types.h>

struct monitor_cmd {
    const char *name;  /* the first word */
    const char *usage; /* "alloc N": the name and its arguments */
    const char *help;  /* one line for `help` */
    uint8_t min_args, max_args;
    void (*run)(int argc, char **argv);
    const char *details; /* more for `help NAME`: lines ending in '\n'; NULL: nothing more */
};

#define MONITOR_COMMAND(id, usage, min, max, help, details)                                        \
    static void monitor_cmd_##id(int argc, char **argv);                                           \
    static const struct monitor_cmd monitor_entry_##id                                             \
        __attribute__((used, section("monitor_cmds"), aligned(8))) = {                             \
            #id, usage, help, min, max, monitor_cmd_##id, details};                                \
    static void monitor_cmd_##id(int argc, char **argv)

#define MONITOR_ERR_SIZE 160 /* room for any sentence of monitor_parse(), monitor_run_args() */

/* The command named name among cmds[0, n), or NULL. */
const struct monitor_cmd *monitor_find(const struct monitor_cmd *cmds, size_t n, const char *name);

/*
 * Splits line (in place) into words, finds the command and checks its argument count.
 * Return: K_OK with *cmd, *argc and argv[] set (the caller runs it); K_OK with *cmd NULL for a
 * blank line; K_ENOENT for an unknown command and K_EINVAL for a wrong argument count or too many
 * words, each with a sentence in err.
 */
int monitor_parse(const struct monitor_cmd *cmds, size_t n, char *line,
                  const struct monitor_cmd **cmd, int *argc, char **argv, char *err,
                  size_t err_size);

/*
 * `help`: without a name, one line per command; with one, that command's usage, its line and its
 * details, or a sentence when no command has that name.
 */
void monitor_help(const struct monitor_cmd *cmds, size_t n, const char *name);

/*
 * The arguments of `run BYTES [isa|dma32|any]` (argv[0] is "run"): *bytes, rounded up to 4 KiB,
 * and *zone (dma.h's enum dma_zone; DMA_ZONE_ANY when not given). Return: K_OK; K_EINVAL with a
 * sentence in err for a size that is not a number, 0 or above 64 GiB, a word that is not a zone,
 * or an ISA run above 64 KiB.
 */
int monitor_run_args(int argc, char **argv, uint64_t *bytes, unsigned *zone, char *err,
                     size_t err_size);

/* The name of a zone of enum dma_zone ("isa", "dma32", "any"). */
const char *monitor_zone_name(unsigned zone);

/* Index of the first command whose name repeats an earlier one's, or n when names are unique. */
size_t monitor_first_duplicate(const struct monitor_cmd *cmds, size_t n);

/* The registered commands (the monitor_cmds section). */
const struct monitor_cmd *monitor_commands(size_t *n);

/* Starts the screens and input and runs the monitor for good. */
__attribute__((noreturn)) void monitor_run(void);

#endif
