/* SPDX-License-Identifier: 0BSD */
/*
 * execve (issue "Processes with a lifetime", part 4): a forked child and a vforked child become
 * lite, whose exit status comes back through wait4; a missing program is ENOENT and a bad
 * pointer EFAULT, the caller going on; the environment reaches the new program (env, a phase of
 * this same program run through execve). The program is found next to this one on Linux (the
 * directory of argv[0]) and by its name on frame64 (a module).
 * Exit status: 0, or the number of the check that failed.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "progs.h"

static char dir[512];

static void check(int n, bool ok, const char *what)
{
    if (ok)
        return;
    say("execs: check %d failed: %s (errno %d)", n, what, errno);
    exit(n);
}

/* The path of program name next to this one. */
static const char *path_of(const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s%s", dir, name);
    return out;
}

int main(int argc, char **argv, char **envp)
{
    (void)envp;
    const char *slash = strrchr(argv[0], '/');
    if (slash)
        snprintf(dir, sizeof(dir), "%.*s/", (int)(slash - argv[0]), argv[0]);
    if (argc > 1 && !strcmp(argv[1], "env")) {
        const char *v = getenv("FRAME64_TEST");
        say("execs: env: FRAME64_TEST=%s, argc %d, argv[2] %s", v ? v : "(none)", argc,
            argc > 2 ? argv[2] : "(none)");
        return v && !strcmp(v, "yes") ? 0 : 30;
    }
    say("execs: fork and vfork, then execve of lite, ENOENT, EFAULT, the environment");
    char p[600];
    char *lite_argv[] = {"lite", "42", NULL};
    pid_t c = fork();
    check(1, c >= 0, "fork");
    if (c == 0) {
        execve(path_of("lite", p, sizeof(p)), lite_argv, envp);
        _exit(99);
    }
    int st;
    check(2, waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 42,
          "the forked child became lite 42 (exit 42)");
    c = vfork();
    check(3, c >= 0, "vfork");
    if (c == 0) {
        execve(path_of("lite", p, sizeof(p)), lite_argv, envp);
        _exit(99);
    }
    check(4, waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 42,
          "the vforked child became lite 42");
    check(5,
          execve(path_of("no-such-program", p, sizeof(p)), lite_argv, envp) == -1 &&
              errno == ENOENT,
          "a missing program: ENOENT");
    check(6, raw6(SYS_execve, 8, (long)lite_argv, 0, 0, 0, 0) == -EFAULT,
          "a path at address 8: EFAULT");
    char *bad_argv[] = {"lite", (char *)8, NULL};
    check(7,
          raw6(SYS_execve, (long)path_of("lite", p, sizeof(p)), (long)bad_argv, 0, 0, 0, 0) ==
              -EFAULT,
          "an argument at address 8: EFAULT");
    char *env_argv[] = {"execs", "env", "two", NULL};
    char *env[] = {"FRAME64_TEST=yes", NULL};
    c = fork();
    check(8, c >= 0, "fork");
    if (c == 0) {
        execve(path_of("execs", p, sizeof(p)), env_argv, env);
        _exit(99);
    }
    check(9, waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0,
          "the environment reached the new program");
    say("execs: every execve answered as on Linux");
    return 0;
}
