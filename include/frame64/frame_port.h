/* SPDX-License-Identifier: 0BSD */
/*
 * The porting layer: everything the frame manager (src/mm/frame*.c, dma.c) and the region list
 * under it (src/mm/region*.c) need from the kernel they live in, each with its contract, so a
 * kernel that copies them knows what to write before the linker tells it. Including this header
 * declares every hook; a hosted default of each is in examples/port/ (docs/reuse.md).
 *
 * What the unit needs, none of it optional:
 *   phys_to_virt()       <frame64/phys.h>   A pointer through which physical byte pa can be read
 *                        and written, for every page the region list calls RAM; the manager keeps
 *                        its free stack inside free frames and reaches them only through this.
 *                        Called with the pool's lock held and interrupts off: it must not take
 *                        locks or fault. virt_to_phys() is not needed by the unit.
 *   panic_at()           <frame64/panic.h>  A broken invariant (a double free under FRAME_CHECK,
 *                        a corrupt stack, a kicked CPU that never answers): print file:line and
 *                        the printf-style message and never return. May be called with a lock
 *                        held and interrupts off.
 *   kprintf()            <frame64/kprintf.h> One line of diagnostics (a refused request, a list
 *                        that is full), printf conversions %s %c %d %u %x %p %zu %lu %lx. May be
 *                        called with the pool's lock held: it must not allocate frames.
 *   memset(), memcpy(), memmove()  <frame64/kstring.h> The C library's (the compiler emits calls
 *                        to them anyway).
 *   arch_cpu_index()     <arch/cpu_local.h> This CPU's index, 0 .. CPU_MAX - 1, stable while
 *                        interrupts are off (the pool indexes its per-CPU caches by it). One
 *                        CPU: return 0. Host threads: a thread-local (examples/port/).
 *   arch_irq_save(), arch_irq_restore(flags)  <arch/cpu_local.h> Interrupts off on this CPU,
 *                        and back as they were: the manager runs from interrupt handlers too,
 *                        and a CPU's cache is touched with interrupts off and no lock.
 *   arch_relax()         <arch/cpu_local.h> A spin-wait hint (x86: pause), or nothing.
 * The four arch_* are static inline in <arch/cpu_local.h>, a header the kernel puts on the
 * include path: src/arch/x86_64/include/arch/cpu_local.h is frame64's (GS-relative load, pushfq;
 * cli, sti, pause), examples/port/include/arch/cpu_local.h the hosted one.
 *
 * What the unit brings with it: kerr_str() (src/lib/error.c) and kformat_size() (in the printf
 * engine, src/lib/format.c), used in its messages. A kernel that has its own kprintf may still
 * take format.c whole or keep only kformat_size().
 *
 * Only with -DFRAME64_LOCK_DEBUG (lock-order checks, include/frame64/irqlock.h):
 *   lock_debug_acquire(), lock_debug_release()  src/lib/lock_debug.c (needs arch_cpu_index()).
 *
 * SMP, optional: without it every CPU hands over its cached frames only when it next allocates
 * or frees, so a run request may miss frames parked in an idle CPU's cache. A kernel with more
 * than one CPU adds:
 *   frame_set_kick(pool, kick)  kick(pool, cpu) must make CPU cpu call frame_cache_nmi() soon,
 *                        whatever it is doing, interrupts off or not: frame64 sends an NMI
 *                        (src/kernel/smp.c). It is called with interrupts off and the
 *                        pool's collect lock held (not its main lock): it must not allocate.
 *   frame_cache_nmi(pool, rip)  called from that CPU's NMI handler with the interrupted
 *                        instruction pointer; touches no lock. Return: whether it was asked.
 *   the section frame_fast  holds frame_alloc() and frame_free(); frame_cache_nmi() leaves a
 *                        cache alone when rip lies in it. GNU ld and lld define
 *                        __start_frame_fast and __stop_frame_fast by themselves; a linker
 *                        script that places the section must define them around it
 *                        (boot/linker.ld).
 *   frame_cache_drain(pool)  on a CPU that goes offline or idle, or a host thread that ends.
 *
 * Build-time policies (CPU_MAX, FRAME_ISA_LIMIT, FRAME_SEED_CHUNK, FRAME_CACHE_BATCH,
 * FRAME_CACHE_PATIENCE, REGION_STATIC_CAPACITY) and their defaults: <frame64/frame_config.h>.
 */
#ifndef FRAME64_FRAME_PORT_H
#define FRAME64_FRAME_PORT_H

#include <arch/cpu_local.h>
#include <frame64/error.h>
#include <frame64/frame.h>
#include <frame64/frame_config.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/panic.h>
#include <frame64/phys.h>

#endif
