/* SPDX-License-Identifier: 0BSD */
/*
 * kmain: where the boot trampoline (boot/entry.asm) hands over, in long mode, in the higher half.
 * It reads the boot information, builds the memory map and the region list, maps all RAM, starts
 * the page-frame manager, and then either runs the in-kernel tests or idles.
 */
#include <frame64/arch.h>
#include <frame64/cmdline.h>
#include <frame64/console.h>
#include <frame64/error.h>
#include <frame64/kernel.h>
#include <frame64/kprintf.h>
#include <frame64/ktest.h>
#include <frame64/phys.h>
#include <frame64/physmap.h>

struct cpu_info boot_cpu;
struct mb2_info boot_info;
struct memmap_carveouts boot_carve;
struct region_list kernel_memory;
struct frame_pool kernel_frames;

static struct region memory_storage[REGION_STATIC_CAPACITY];

extern char __kernel_phys_start[], __kernel_phys_end[];
extern char __bootstrap_start[], __bootstrap_end[];

#ifdef FRAME64_DEBUG
#define FRAME_FLAGS (FRAME_CHECK | FRAME_POISON)
#else
#define FRAME_FLAGS 0
#endif

/* Stops with a sentence a person can act on. */
__attribute__((noreturn)) static void stop(const char *what, int err)
{
    kprintf("frame64 cannot continue: %s (%s).\n", what, kerr_str(err));
    arch_halt();
}

/* Highest end of anything that is RAM (free, ACPI, or owned by someone): the direct map's end. */
static phys_addr_t ram_end(const struct region_list *l)
{
    phys_addr_t end = 0;
    const struct region *r;
    region_for_each(l, r)
    {
        if (r->tag != REGION_FIRMWARE && r->tag != REGION_BAD)
            end = MAX(end, r->end);
    }
    return end;
}

static void setup_memory(void)
{
    region_init(&kernel_memory, "memory", memory_storage, ARRAY_SIZE(memory_storage));
    int err = memmap_sanitize(&kernel_memory, &boot_info, boot_cpu.phys_bits);
    if (err != K_OK)
        stop("the firmware memory map could not be read", err);

    boot_carve.kernel.base = (phys_addr_t)__kernel_phys_start;
    boot_carve.kernel.end = (phys_addr_t)__kernel_phys_end;
    boot_carve.bootstrap[0].base = (phys_addr_t)__bootstrap_start;
    boot_carve.bootstrap[0].end = (phys_addr_t)__bootstrap_end;
    err = memmap_carve_boot(&kernel_memory, &boot_info, &boot_carve);
    if (err != K_OK)
        stop("the kernel and boot data could not be reserved", err);
    /* Until the direct map exists, the list can grow only into what the identity map reaches. */
    region_set_grow_limit(&kernel_memory, physmap_limit());
    memmap_print(&kernel_memory);

    err = directmap_init(&kernel_memory, ram_end(&kernel_memory), boot_cpu.huge_1g, boot_cpu.nx);
    if (err != K_OK)
        stop("physical memory could not be mapped", err);
    err = frame_init(&kernel_frames, &kernel_memory, FRAME_FLAGS);
    if (err != K_OK)
        stop("the page-frame manager could not start", err);
    frame_print_stats(&kernel_frames);
}

void kmain(uint32_t magic, uint32_t mbi_phys)
{
    serial_init();
    gdt_init();
    idt_init();
    arch_cpu_info(&boot_cpu);

    /* The information block lies below 4 GiB, inside the boot identity map. */
    int err = mb2_parse(phys_to_virt(mbi_phys), mbi_phys, &boot_info);
    if (err == K_OK && !boot_info.efi)
        vga_init();
    kprintf("frame64: long mode on %s %s, %u-bit physical addresses%s%s\n", boot_cpu.vendor,
            boot_cpu.brand, boot_cpu.phys_bits, boot_cpu.nx ? ", NX" : "",
            boot_cpu.huge_1g ? ", 1 GiB pages" : "");
    if (err != K_OK)
        stop("the multiboot2 boot information is unusable", err);
    kprintf("frame64: booted by %s (%s), magic 0x%x, boot information at 0x%x (%u bytes)\n",
            boot_info.loader_name ? boot_info.loader_name : "an unnamed loader",
            boot_info.efi ? "UEFI" : "BIOS", magic, mbi_phys, boot_info.size);
    kprintf("frame64: command line \"%s\"\n", boot_info.cmdline ? boot_info.cmdline : "");

    setup_memory();

    ktest_crash_if_asked(boot_info.cmdline);

    if (cmdline_has_word(boot_info.cmdline, "ktest"))
        ktest_run_all();
    kprintf("frame64: nothing more to do; halting.\n");
    arch_halt();
}
