/* SPDX-License-Identifier: 0BSD */
/*
 * The console terminal (/dev/console, /dev/tty): what a shell reads and writes. Input comes from
 * every console input the drivers registered (COM1, the PS/2 keyboard), read by a kernel thread
 * each timer tick while the terminal is in use, through the line discipline
 * (include/frame64/ldisc.h) that echoes, edits lines and turns Ctrl-C into SIGINT for the
 * foreground process group. Output goes to every console output (the serial line and the
 * screens), newlines made CR LF as a terminal wants them. The ioctls are Linux's for a terminal:
 * termios, window size, process group and session. The monitor reads the same inputs, so the
 * terminal gives them back when the program it served ends (tty_release()).
 *
 * The programs the kernel runs from GRUB modules do not get this terminal: their descriptors 0,
 * 1 and 2 are the plain console of file.c (not a tty), so their output is buffered as it is on
 * the host their runs are compared with.
 */
#include <frame64/console.h>
#include <frame64/errno.h>
#include <frame64/interrupts.h>
#include <frame64/kbd.h>
#include <frame64/kstring.h>
#include <frame64/ldisc.h>
#include <frame64/sched.h>
#include <frame64/waitq.h>
#include "file.h"
#include "proc_internal.h"
#include "syscall_internal.h"

#define INPUTS_MAX 8

#define TCGETS     0x5401
#define TCSETS     0x5402
#define TCSETSW    0x5403
#define TCSETSF    0x5404
#define TCSBRK     0x5409
#define TCXONC     0x540A
#define TCFLSH     0x540B
#define TIOCSCTTY  0x540E
#define TIOCGPGRP  0x540F
#define TIOCSPGRP  0x5410
#define TIOCOUTQ   0x5411
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD   0x541B
#define FIONBIO    0x5421
#define TIOCNOTTY  0x5422
#define TIOCGSID   0x5429

struct winsize {
    uint16_t rows, cols, xpixel, ypixel;
};

static struct tty {
    struct irqlock lock;
    struct ldisc ld;
    struct waitq readers;
    unsigned pgrp, sid; /* the foreground process group and the session it controls */
    int pending_sig;    /* ISIG's signal, sent once the lock is dropped */
    struct winsize ws;
    struct kbd kb;
    uint32_t live; /* inputs that answered */
    bool running;  /* the input thread reads */
    bool ready;
} tty = {.lock = IRQLOCK_INIT("tty", LOCK_RANK_TTY), .readers = WAITQ_INIT};

static void tty_echo(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    char out[64];
    for (size_t i = 0; i < n; i += 32) {
        size_t k = ldisc_output(&tty.ld, s + i, MIN(n - i, 32), out);
        console_write(out, k);
    }
}

static void tty_signal(void *ctx, int sig)
{
    (void)ctx;
    tty.pending_sig = sig;
}

static const struct ldisc_ops ldisc_ops = {tty_echo, tty_signal};

/* A keyboard event as the bytes Linux's console sends for it. */
static size_t key_bytes(const struct kbd_event *ev, char *out)
{
    static const char *const seq[] = {
        [KBD_UP] = "\x1b[A",        [KBD_DOWN] = "\x1b[B",    [KBD_RIGHT] = "\x1b[C",
        [KBD_LEFT] = "\x1b[D",      [KBD_HOME] = "\x1b[1~",   [KBD_END] = "\x1b[4~",
        [KBD_INSERT] = "\x1b[2~",   [KBD_DELETE] = "\x1b[3~", [KBD_PAGE_UP] = "\x1b[5~",
        [KBD_PAGE_DOWN] = "\x1b[6~"};
    if (ev->key == KBD_BACKSPACE) {
        out[0] = 0x7f; /* the console's backspace key sends DEL */
        return 1;
    }
    if (ev->key == KBD_ENTER) {
        out[0] = '\r';
        return 1;
    }
    if (ev->key < sizeof(seq) / sizeof(seq[0]) && seq[ev->key]) {
        size_t n = strlen(seq[ev->key]);
        memcpy(out, seq[ev->key], n);
        return n;
    }
    if (ev->ch) {
        out[0] = ev->ch;
        return 1;
    }
    return 0;
}

/* Feeds one input byte (from input i) to the line discipline. */
static void feed(const struct console_input *in, int b)
{
    char bytes[8];
    size_t n = 0;
    struct kbd_event ev;
    if (in->kind == CONSOLE_INPUT_TERMINAL)
        bytes[n++] = (char)b;
    else if (kbd_feed(&tty.kb, (uint8_t)b, &ev))
        n = key_bytes(&ev, bytes);
    if (!n)
        return;
    uint64_t irq = irqlock_acquire(&tty.lock);
    for (size_t i = 0; i < n; i++)
        ldisc_input(&tty.ld, (uint8_t)bytes[i]);
    int sig = tty.pending_sig;
    unsigned pgrp = tty.pgrp;
    tty.pending_sig = 0;
    bool readable = ldisc_readable(&tty.ld);
    irqlock_release(&tty.lock, irq);
    if (sig && pgrp)
        proc_kill_group(pgrp, sig);
    if (readable) {
        waitq_wake_all(&tty.readers);
        poll_wake();
    }
}

/* The input thread: every input each tick, while the terminal is in use. */
static void input_main(void *arg)
{
    (void)arg;
    size_t nin;
    const struct console_input *in = console_input_list(&nin);
    for (;;) {
        bool any = false;
        for (size_t i = 0;
             __atomic_load_n(&tty.running, __ATOMIC_ACQUIRE) && i < nin && i < INPUTS_MAX; i++) {
            if (!(tty.live & (1u << i)))
                continue;
            int b = in[i].read();
            if (b >= 0) {
                any = true;
                feed(&in[i], b);
            }
        }
        if (!any) {
            /* A tick's sleep: a deadline of "now + 1 ns" would pass before park() (the TSC
             * clock moves on) and the thread, never preempted, would spin. */
            unsigned hz = irq_timer_hz();
            sched_sleep_until(time_ns() + 1000000000ull / (hz ? hz : 100));
        }
    }
}

void tty_init(void)
{
    if (!tty.ready) {
        ldisc_init(&tty.ld, &ldisc_ops, NULL);
        kbd_init(&tty.kb);
        tty.ws = (struct winsize){.rows = 24, .cols = 80};
        size_t nin;
        const struct console_input *in = console_input_list(&nin);
        for (size_t i = 0; i < nin && i < INPUTS_MAX; i++)
            if (in[i].start())
                tty.live |= 1u << i;
        struct thread *t = thread_create("tty input", input_main, NULL, 16 * KiB);
        if (t)
            thread_start(t, 0, true);
        tty.ready = true;
    }
}

/* Starts the terminal for session leader p (init): inputs, line discipline, the input thread. */
void tty_start(struct process *p)
{
    tty_init();
    uint64_t irq = irqlock_acquire(&tty.lock);
    ldisc_flush(&tty.ld);
    tty.sid = p->sid;
    tty.pgrp = p->pgid;
    irqlock_release(&tty.lock, irq);
    __atomic_store_n(&tty.running, true, __ATOMIC_RELEASE);
}

void tty_release(void)
{
    __atomic_store_n(&tty.running, false, __ATOMIC_RELEASE);
    uint64_t irq = irqlock_acquire(&tty.lock);
    tty.sid = tty.pgrp = 0;
    irqlock_release(&tty.lock, irq);
}

static long tty_read(struct file *f, struct process *p, uint64_t buf, uint64_t n, uint64_t *pos)
{
    (void)pos;
    char chunk[256];
    struct waitq_entry e;
    for (;;) {
        waitq_add(&tty.readers, &e);
        uint64_t irq = irqlock_acquire(&tty.lock);
        /* Raw mode with VMIN 0 never waits; a ready canonical read of 0 bytes is Ctrl-D. */
        bool nowait = !(tty.ld.t.c_lflag & ICANON) && tty.ld.t.c_cc[VMIN] == 0;
        bool ready = ldisc_readable(&tty.ld);
        size_t got = ready ? ldisc_read(&tty.ld, chunk, MIN(n, sizeof(chunk))) : 0;
        irqlock_release(&tty.lock, irq);
        if (ready || nowait) {
            waitq_remove(&tty.readers, &e);
            if (got && copy_to_user(p, buf, chunk, got))
                return -EFAULT;
            return (long)got;
        }
        if (f->flags & O_NONBLOCK) {
            waitq_remove(&tty.readers, &e);
            return -EAGAIN;
        }
        if (thread_interrupted()) {
            waitq_remove(&tty.readers, &e);
            return __atomic_load_n(&thread_current()->killed, __ATOMIC_ACQUIRE) ? -EINTR
                                                                                : -PROC_ERESTARTSYS;
        }
        park();
    }
}

static long tty_write(struct file *f, struct process *p, uint64_t buf, uint64_t n, uint64_t *pos)
{
    (void)f, (void)pos;
    char chunk[128], out[256];
    for (uint64_t done = 0; done < n;) {
        uint64_t k = MIN(n - done, sizeof(chunk));
        if (copy_from_user(p, chunk, buf + done, k))
            return done ? (long)done : -EFAULT;
        console_write(out, ldisc_output(&tty.ld, chunk, k, out));
        done += k;
    }
    return (long)n;
}

static unsigned tty_poll(struct file *f, unsigned events)
{
    (void)f;
    uint64_t irq = irqlock_acquire(&tty.lock);
    unsigned r = POLLOUT | (ldisc_readable(&tty.ld) ? POLLIN : 0);
    irqlock_release(&tty.lock, irq);
    return r & events;
}

static long tty_ioctl(struct file *f, struct process *p, unsigned long cmd, uint64_t arg)
{
    struct ktermios t;
    struct winsize ws;
    uint32_t v;
    uint64_t irq;
    switch (cmd) {
    case TCGETS:
        irq = irqlock_acquire(&tty.lock);
        t = tty.ld.t;
        irqlock_release(&tty.lock, irq);
        return copy_to_user(p, arg, &t, sizeof(t));
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
        if (copy_from_user(p, &t, arg, sizeof(t)))
            return -EFAULT;
        irq = irqlock_acquire(&tty.lock);
        ldisc_set(&tty.ld, &t, cmd == TCSETSF);
        irqlock_release(&tty.lock, irq);
        waitq_wake_all(&tty.readers); /* a mode change may make bytes readable */
        return 0;
    case TIOCGWINSZ:
        return copy_to_user(p, arg, &tty.ws, sizeof(tty.ws));
    case TIOCSWINSZ:
        if (copy_from_user(p, &ws, arg, sizeof(ws)))
            return -EFAULT;
        tty.ws = ws;
        return 0;
    case TIOCGPGRP:
        v = tty.pgrp;
        return copy_to_user(p, arg, &v, sizeof(v));
    case TIOCSPGRP:
        if (copy_from_user(p, &v, arg, sizeof(v)))
            return -EFAULT;
        if ((int32_t)v < 0)
            return -EINVAL;
        if (p->sid != tty.sid)
            return -ENOTTY;
        tty.pgrp = v;
        return 0;
    case TIOCGSID:
        v = tty.sid;
        return tty.sid ? copy_to_user(p, arg, &v, sizeof(v)) : -ENOTTY;
    case TIOCSCTTY:
        if (p->sid != p->pid)
            return -EPERM;
        tty.sid = p->sid;
        tty.pgrp = p->pgid;
        return 0;
    case TIOCNOTTY:
        return 0;
    case FIONREAD:
        irq = irqlock_acquire(&tty.lock);
        v = (uint32_t)ldisc_pending(&tty.ld);
        irqlock_release(&tty.lock, irq);
        return copy_to_user(p, arg, &v, sizeof(v));
    case TIOCOUTQ:
        v = 0;
        return copy_to_user(p, arg, &v, sizeof(v));
    case TCFLSH:
        if (arg == 0 || arg == 2) {
            irq = irqlock_acquire(&tty.lock);
            ldisc_flush(&tty.ld);
            irqlock_release(&tty.lock, irq);
        }
        return 0;
    case TCSBRK:
    case TCXONC:
        return 0;
    case FIONBIO:
        if (copy_from_user(p, &v, arg, sizeof(v)))
            return -EFAULT;
        f->flags = v ? f->flags | O_NONBLOCK : f->flags & ~(uint32_t)O_NONBLOCK;
        return 0;
    default:
        return -ENOTTY;
    }
}

const struct file_ops tty_ops = {
    .read = tty_read, .write = tty_write, .ioctl = tty_ioctl, .poll = tty_poll};
