/* SPDX-License-Identifier: 0BSD */
/*
 * refrun: the host reference run of one test program (a CTest test per program, see
 * CMakeLists.txt). It first checks the program with elf_plan() (what the kernel will load) and
 * prints the plan, then runs it on this Linux host with stdout captured, no core dump and an
 * optional address-space limit, and writes the reference file the kernel's boot test compares
 * against:
 *   status: exit 7            (or "status: signal SIGSEGV")
 *   <everything the program wrote to stdout, verbatim>
 * Finally it compares the status and the first stdout line with what the CMake list expects.
 *
 *   refrun OUT STATUS FIRST_LINE AS_LIMIT_MIB PROGRAM [ARGS...]     (AS_LIMIT_MIB 0: none)
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <frame64/elf.h>

#define USER_HALF_END 0x800000000000ull
#define OUTPUT_MAX    (1u << 20)

static const char *signal_name(int sig)
{
    static const struct {
        int sig;
        const char *name;
    } names[] = {{SIGSEGV, "SIGSEGV"}, {SIGILL, "SIGILL"},   {SIGFPE, "SIGFPE"},
                 {SIGBUS, "SIGBUS"},   {SIGTRAP, "SIGTRAP"}, {SIGKILL, "SIGKILL"},
                 {SIGABRT, "SIGABRT"}, {SIGSYS, "SIGSYS"}};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].sig == sig)
            return names[i].name;
    return "an unexpected signal";
}

/* Reads the whole file into a malloc'ed buffer. */
static unsigned char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    unsigned char *b = n > 0 ? malloc((size_t)n) : NULL;
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *size = (size_t)n;
    return b;
}

/* What the kernel would do with the file: refuse it (1) or load it as this plan (0). */
static int check_elf(const char *path)
{
    size_t size;
    unsigned char *img = slurp(path, &size);
    if (!img) {
        fprintf(stderr, "refrun: cannot read %s: %s\n", path, strerror(errno));
        return 1;
    }
    struct elf_plan plan;
    char why[ELF_WHY_SIZE];
    int err = elf_plan(img, size, USER_HALF_END, &plan, why, sizeof(why));
    free(img);
    if (err) {
        fprintf(stderr, "refrun: exec %s: refused: %s\n", path, why);
        return 1;
    }
    printf("plan: entry 0x%lx, AT_PHDR 0x%lx (%u x %u bytes), brk 0x%lx\n", plan.entry,
           plan.phdr_vaddr, plan.phnum, plan.phent, plan.brk_start);
    for (unsigned k = 0; k < plan.nseg; k++) {
        const struct elf_segment *s = &plan.seg[k];
        printf("  segment %u: 0x%lx + 0x%lx, file 0x%lx + 0x%lx, %c%c%c\n", s->phindex, s->vaddr,
               s->memsz, s->offset, s->filesz, s->perm & ELF_SEG_R ? 'r' : '-',
               s->perm & ELF_SEG_W ? 'w' : '-', s->perm & ELF_SEG_X ? 'x' : '-');
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: refrun OUT STATUS FIRST_LINE AS_LIMIT_MIB PROGRAM [ARGS...]\n");
        return 2;
    }
    const char *out = argv[1], *want_status = argv[2], *want_first = argv[3];
    unsigned long as_mib = strtoul(argv[4], NULL, 10);
    char **prog = argv + 5;
    if (check_elf(prog[0]))
        return 1;
    fflush(stdout);

    int fd[2];
    if (pipe(fd) != 0)
        return 2;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        struct rlimit none = {0, 0};
        setrlimit(RLIMIT_CORE, &none);
        if (as_mib) {
            struct rlimit as = {as_mib << 20, as_mib << 20};
            setrlimit(RLIMIT_AS, &as);
        }
        execv(prog[0], prog);
        fprintf(stderr, "refrun: cannot run %s: %s\n", prog[0], strerror(errno));
        _exit(127);
    }
    close(fd[1]);
    static char output[OUTPUT_MAX + 1];
    size_t len = 0;
    for (ssize_t n; (n = read(fd[0], output + len, OUTPUT_MAX - len)) != 0;) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        len += (size_t)n;
        if (len == OUTPUT_MAX) {
            fprintf(stderr, "refrun: %s wrote more than %u bytes\n", prog[0], OUTPUT_MAX);
            kill(pid, SIGKILL);
            break;
        }
    }
    output[len] = '\0';
    int ws;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
        ;
    char status[64];
    if (WIFEXITED(ws))
        snprintf(status, sizeof(status), "exit %d", WEXITSTATUS(ws));
    else
        snprintf(status, sizeof(status), "signal %s", signal_name(WTERMSIG(ws)));

    FILE *f = fopen(out, "w");
    if (!f || fprintf(f, "status: %s\n", status) < 0 || fwrite(output, 1, len, f) != len ||
        fclose(f) != 0) {
        fprintf(stderr, "refrun: cannot write %s\n", out);
        return 2;
    }
    size_t first_len = strcspn(output, "\n");
    printf("status: %s\n%s", status, output);
    int ok = 1;
    if (strcmp(status, want_status) != 0) {
        printf("refrun: MISMATCH: status is \"%s\", expected \"%s\"\n", status, want_status);
        ok = 0;
    }
    if (strlen(want_first) != first_len || strncmp(output, want_first, first_len) != 0) {
        printf("refrun: MISMATCH: first line is \"%.*s\", expected \"%s\"\n", (int)first_len,
               output, want_first);
        ok = 0;
    }
    printf("refrun: reference written to %s\n", out);
    return ok ? 0 : 1;
}
