/* SPDX-License-Identifier: 0BSD */
/*
 * Monitor commands about processes: exec (a program given as a GRUB module, started in the
 * background), ps (every process: IDs, state, CPU, frames by kind) and kill.
 */
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/monitor.h>
#include <frame64/process.h>
#include <frame64/sched.h>
#include "monitor_internal.h"

MONITOR_COMMAND(exec, "exec NAME [ARGS...]", 1, 15,
                "start the module program NAME in the background",
                "NAME is the program a GRUB module line \"exec NAME ...\" carries; the words\n"
                "after it are its arguments (argv[0] is NAME). It runs on any CPU while the\n"
                "monitor waits for input; its end line comes when it ends ('ps' lists it).")
{
    const void *image;
    size_t size;
    if (!proc_find_module(argv[1], &image, &size)) {
        kprintf("exec: no module runs a program named %s (the modules' \"exec\" lines name them)\n",
                argv[1]);
        return;
    }
    long pid = proc_spawn(argv[1], image, size, (unsigned)argc - 1, (const char *const *)argv + 1);
    if (pid > 0)
        kprintf("exec: %s started as process %ld\n", argv[1], pid);
}

/* What a process is doing, from its threads: running on a CPU, ready, or asleep. */
static const char *state_of(const struct process *p, int *cpu)
{
    *cpu = -1;
    if (p->state == PROC_ZOMBIE)
        return "zombie";
    const char *s = "sleep";
    for (const struct thread *t = p->threads; t; t = t->proc_next) {
        *cpu = (int)t->cpu;
        if (t->state == THREAD_RUNNING)
            return "run";
        if (t->state == THREAD_RUNNABLE)
            s = "ready";
    }
    return s;
}

static void print_one(const struct process *p, void *ctx)
{
    (void)ctx;
    int cpu;
    const char *state = state_of(p, &cpu);
    char where[8] = "-";
    if (cpu >= 0)
        ksnprintf(where, sizeof(where), "%d", cpu);
    unsigned ppid = p->parent ? p->parent->pid : 0;
    if (p->state == PROC_ZOMBIE) {
        kprintf("%6u %6u %-6s %3s %7s %7s %7s %7s %7s  %s\n", p->pid, ppid, state, where, "-", "-",
                "-", "-", "-", p->name);
        return;
    }
    struct vmspace_stats st;
    vmspace_get_stats(&p->vs, &st);
    kprintf("%6u %6u %-6s %3s %7llu %7llu %7llu %7llu %7llu  %s\n", p->pid, ppid, state, where,
            (unsigned long long)st.leaf_private, (unsigned long long)st.leaf_cow,
            (unsigned long long)st.leaf_shared, (unsigned long long)st.leaf_huge,
            (unsigned long long)(st.tables + st.area_frames), p->name);
}

MONITOR_COMMAND(ps, "ps", 0, 0, "every process: id, parent, state, CPU, frames by kind",
                "Frames are 4 KiB: private (this process alone), cow (shared copy-on-write with\n"
                "a parent or child since fork), shared (shared mappings), huge (in 2 MiB pages,\n"
                "512 each, private), tables (page tables and the area list). CPU is where it\n"
                "runs or last ran.")
{
    (void)argc, (void)argv;
    kprintf("%6s %6s %-6s %3s %7s %7s %7s %7s %7s  %s\n", "PID", "PPID", "STATE", "CPU", "PRIVATE",
            "COW", "SHARED", "HUGE", "TABLES", "NAME");
    unsigned n = proc_for_each(print_one, NULL);
    kprintf("ps: %u processes, %llu threads (each CPU's boot and idle threads among them)\n", n,
            (unsigned long long)thread_count());
}

MONITOR_COMMAND(kill, "kill ID [SIGNAL]", 1, 2, "send process ID a signal (SIGKILL by default)",
                "SIGNAL is a number. A process that 'exec' started takes the processes it\n"
                "started with it (its process group), as a shell kills a job. No process\n"
                "handles signals yet: each gets its default action, which ends it unless\n"
                "Linux ignores that signal or stops with it.")
{
    uint64_t pid, sig = 9;
    if (!monitor_number(argv[1], &pid) || pid == 0 || pid > 0xFFFFFFFFu ||
        (argc > 2 && (!monitor_number(argv[2], &sig) || sig > 64))) {
        kprintf("kill: give a process ID from 'ps' and a signal from 1 to 64\n");
        return;
    }
    if (proc_kill_pid((unsigned)pid, (int)sig) != 0)
        kprintf("kill: no living process %llu ('ps' lists them)\n", (unsigned long long)pid);
    else
        kprintf("kill: signal %llu sent to process %llu\n", (unsigned long long)sig,
                (unsigned long long)pid);
}
