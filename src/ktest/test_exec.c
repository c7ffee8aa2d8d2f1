/* SPDX-License-Identifier: 0BSD */
/*
 * ktests of user processes, on the programs built into the kernel (tests/programs, embedded by
 * cmake/bin2c.cmake): each runs in ring 3 and ends as it announced; the kernel survives every
 * bad pointer and every way to die; and the frame manager's in-use count is exactly where it
 * was afterwards -- after one process, after 2,000 of them, and after one that ate all memory.
 */
#include "ktest_util.h"

#include <frame64/embedded.h>
#include <frame64/error.h>
#include <frame64/kernel.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/ktest.h>
#include <frame64/process.h>

static const struct proc_options quiet = {.quiet = true};

/* Frames in use, less the kernel's own page tables (kept once made: not a leak, kernel.h). */
static uint64_t in_use(void)
{
    struct frame_stats s;
    frame_get_stats(&kernel_frames, &s);
    return s.in_use - kernel_table_bytes();
}

/* Runs embedded program name with argv (argv[0] is the name) quietly. */
static void run(struct ktest *t, const char *name, unsigned argc, const char *const *argv,
                struct proc_result *res)
{
    const struct embedded_program *prog = embedded_find(name);
    KT_ASSERT(prog, "%s is not built into the kernel", name);
    KT_ASSERT(proc_run(name, prog->image, prog->size, argc, argv, &quiet, res) == K_OK,
              "%s could not be set up: %s", name, res->why);
}

/*
 * What hello_malloc needs besides its large blocks: its small blocks (about 6 MiB at their peak,
 * and musl's heap keeps them), its image, stack and page tables, with room to spare.
 */
#define HELLO_MALLOC_BASE (10 * MiB)
/* Its large blocks at their largest: eight of up to 4 MiB + 128 KiB alive at once. */
#define HELLO_MALLOC_LARGE (8 * (4 * MiB + 128 * KiB))

/*
 * A musl program that mallocs and frees 100 MiB: it exits 7, saying hello first. On a machine
 * with less free memory than it would keep alive (32 MiB with modules: 19.6 MiB free) its large
 * blocks are told how much they may hold, so that it tests malloc, not the machine's size.
 */
KTEST(exec_hello_malloc)
{
    struct frame_stats s;
    frame_get_stats(&kernel_frames, &s);
    uint64_t free_bytes = s.stacked + s.unseeded;
    char size[24], need[24], arg[24];
    if (free_bytes < HELLO_MALLOC_BASE + 8 * 256 * KiB) {
        kprintf("ktest: exec_hello_malloc: not applicable: %s free, it needs %s\n",
                kformat_size(size, sizeof(size), free_bytes),
                kformat_size(need, sizeof(need), HELLO_MALLOC_BASE + 8 * 256 * KiB));
        return;
    }
    const char *argv[] = {"hello_malloc", arg};
    unsigned argc = 1;
    if (free_bytes < HELLO_MALLOC_BASE + HELLO_MALLOC_LARGE) {
        uint64_t large = free_bytes - HELLO_MALLOC_BASE;
        ksnprintf(arg, sizeof(arg), "%llu", (unsigned long long)(large / KiB));
        argc = 2;
        kprintf("ktest: exec_hello_malloc: %s free, so its large blocks hold %s at once\n",
                kformat_size(size, sizeof(size), free_bytes),
                kformat_size(need, sizeof(need), large));
    }
    struct proc_result res;
    uint64_t before = in_use();
    run(t, "hello_malloc", argc, argv, &res);
    if (t->failed)
        return;
    KT_ASSERT(res.end == PROC_EXITED && res.status == 7, "ended %d, status %d: %s", res.end,
              res.status, res.why);
    KT_ASSERT(strcmp(res.first_line, "hello_malloc: hello from a static musl program") == 0,
              "it said \"%s\"", res.first_line);
    KT_ASSERT(in_use() == before, "%lld frames leaked",
              (long long)(in_use() - before) / (long long)PAGE_SIZE);
}

/*
 * sparse touches one page in every 2 MiB over 1 GiB: 512 leaves, each needing its own page
 * table, and ("keep") exits with all of it mapped. Expect it to exit 0, teardown to give back
 * at least those 1,024 frames, and every frame to come back; prints how fast teardown returned
 * them (TCG cycles: for information).
 */
KTEST(exec_teardown_returns_every_frame)
{
    const char *argv[] = {"sparse", "keep"};
    struct proc_result res;
    uint64_t before = in_use();
    run(t, "sparse", 2, argv, &res);
    if (t->failed)
        return;
    KT_ASSERT(res.end == PROC_EXITED && res.status == 0, "ended %d, status %d: %s", res.end,
              res.status, res.why);
    KT_ASSERT(res.teardown_frames >= 1024, "teardown gave back only %llu frames",
              (unsigned long long)res.teardown_frames);
    KT_ASSERT(in_use() == before, "%lld frames leaked",
              (long long)(in_use() - before) / (long long)PAGE_SIZE);
    kprintf("ktest: teardown of sparse: %llu frames back in %llu cycles, %llu cycles per frame\n",
            (unsigned long long)res.teardown_frames, (unsigned long long)res.teardown_cycles,
            (unsigned long long)(res.teardown_cycles / res.teardown_frames));
}

/* Bad pointers in system calls are errors for the program, not faults of the kernel. */
KTEST(exec_bad_pointers_refused)
{
    const char *argv[] = {"badptr"};
    struct proc_result res;
    uint64_t before = in_use();
    run(t, "badptr", 1, argv, &res);
    if (t->failed)
        return;
    KT_ASSERT(res.end == PROC_EXITED && res.status == 0,
              "ended %d with status %d (the number of the check that failed): %s", res.end,
              res.status, res.why);
    KT_ASSERT(in_use() == before, "frames leaked");
}

/* Reading NULL kills the process with a line that says so; the kernel goes on. */
KTEST(exec_null_read_killed)
{
    const char *argv[] = {"die_null"};
    struct proc_result res;
    uint64_t before = in_use();
    run(t, "die_null", 1, argv, &res);
    if (t->failed)
        return;
    KT_ASSERT(res.end == PROC_KILLED && strstr(res.why, "page fault at 0x0 (") &&
                  strstr(res.why, "unmapped"),
              "ended %d: %s", res.end, res.why);
    KT_ASSERT(in_use() == before, "frames leaked");
}

/* The ending lite announces in its first line ("... then exit 17", or a fault) happened. */
static bool ended_as_announced(const struct proc_result *res)
{
    const char *exit = strstr(res->first_line, "then exit ");
    if (exit) {
        int status = 0;
        for (const char *c = exit + 10; *c >= '0' && *c <= '9'; c++)
            status = status * 10 + (*c - '0');
        return res->end == PROC_EXITED && res->status == status;
    }
    return strstr(res->first_line, "then read after munmap") && res->end == PROC_KILLED &&
           strstr(res->why, "read of an unmapped address");
}

/*
 * 2,000 short lives (lite with seeds 1..2000: map 1-16 pages, touch some, exit or fault): every
 * one ends as it announced, and afterwards not one frame is missing.
 */
KTEST(exec_2000_processes)
{
    struct proc_result res;
    unsigned exited = 0, killed = 0;
    uint64_t before = in_use(), start = arch_cycles();
    for (unsigned i = 1; i <= 2000; i++) {
        char seed[16];
        ksnprintf(seed, sizeof(seed), "%u", i);
        const char *argv[] = {"lite", seed};
        run(t, "lite", 2, argv, &res);
        if (t->failed)
            return;
        KT_ASSERT(ended_as_announced(&res), "run %u announced \"%s\" but ended %d (%d): %s", i,
                  res.first_line, res.end, res.status, res.why);
        exited += res.end == PROC_EXITED;
        killed += res.end == PROC_KILLED;
    }
    KT_ASSERT(in_use() == before, "%lld frames leaked after 2,000 processes",
              (long long)(in_use() - before) / (long long)PAGE_SIZE);
    kprintf("ktest: 2000 processes (%u exited, %u killed), %llu cycles each\n", exited, killed,
            (unsigned long long)((arch_cycles() - start) / 2000));
}

/* A process that touches memory until none is left is killed for it; all of it comes back. */
KTEST(exec_out_of_memory_kills_process)
{
    const char *argv[] = {"oom"};
    struct proc_result res;
    uint64_t before = in_use();
    run(t, "oom", 1, argv, &res);
    if (t->failed)
        return;
    KT_ASSERT(res.end == PROC_KILLED && strstr(res.why, "out of memory"), "ended %d: %s", res.end,
              res.why);
    KT_ASSERT(in_use() == before, "%lld frames leaked",
              (long long)(in_use() - before) / (long long)PAGE_SIZE);
}

/* A file that is not a program is refused before anything exists: nothing to give back. */
KTEST(exec_refused_leaves_nothing)
{
    const struct embedded_program *prog = embedded_find("hello_malloc");
    const char *argv[] = {"truncated"};
    struct proc_result res;
    uint64_t before = in_use();
    KT_ASSERT(prog, "hello_malloc is not built into the kernel");
    KT_ASSERT(proc_run("truncated", prog->image, 100, 1, argv, &quiet, &res) == K_OK, "setup");
    KT_ASSERT(res.end == PROC_REFUSED, "a 100-byte ELF was not refused (ended %d)", res.end);
    KT_ASSERT(in_use() == before, "frames leaked");
}
