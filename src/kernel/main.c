/* SPDX-License-Identifier: 0BSD */
/*
 * kmain: where the boot trampoline (boot/entry.asm) hands over, in long mode, in the higher half.
 * It reads the boot information, hands memory bring-up to src/kernel/bootmem.c (map, region list,
 * direct map, page-frame manager), and then either runs the in-kernel tests or idles.
 */
#include <frame64/arch.h>
#include <frame64/bootmem.h>
#include <frame64/cmdline.h>
#include <frame64/console.h>
#include <frame64/devices.h>
#include <frame64/error.h>
#include <frame64/fault.h>
#include <frame64/interrupts.h>
#include <frame64/kernel.h>
#include <frame64/kprintf.h>
#include <frame64/kstack.h>
#include <frame64/ktest.h>
#include <frame64/layout.h>
#include <frame64/monitor.h>
#include <frame64/phys.h>
#include <frame64/process.h>
#include <frame64/rootfs.h>
#include <frame64/smp.h>
#include <frame64/vmcheck.h>

struct cpu_info boot_cpu;
struct mb2_info boot_info;
struct region_list kernel_memory;
struct frame_pool kernel_frames;

phys_addr_t kernel_pml4;

extern char __kernel_phys_start[], __kernel_phys_end[];
extern char __bootstrap_start[], __bootstrap_end[];
extern char __text_start[], __rodata_start[], __data_start[];

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

static phys_addr_t ap_page; /* where the other CPUs start */

/* A linker symbol of the image as a physical address. */
static phys_addr_t image_pa(const char *sym)
{
    return (phys_addr_t)sym - KERNEL_VMA;
}

static void setup_memory(void)
{
    if (boot_cpu.pge)
        arch_enable_global_pages();
    arch_pat_init();
    struct bootmem_config c = {
        .kernel = {(phys_addr_t)__kernel_phys_start, (phys_addr_t)__kernel_phys_end},
        .bootstrap = {{(phys_addr_t)__bootstrap_start, (phys_addr_t)__bootstrap_end}},
        .phys_bits = boot_cpu.phys_bits,
        .nx = boot_cpu.nx,
        .huge_1g = boot_cpu.huge_1g,
        .text = {image_pa(__text_start), image_pa(__rodata_start)},
        .rodata = {image_pa(__rodata_start), image_pa(__data_start)},
        .data = {image_pa(__data_start), (phys_addr_t)__kernel_phys_end},
        .global = boot_cpu.pge,
        .frame_flags = FRAME_FLAGS,
    };
    const char *failed = "memory could not be set up";
    int err = bootmem_init(&kernel_memory, &kernel_frames, &boot_info, &c, &kernel_pml4, &failed);
    if (err != K_OK)
        stop(failed, err);
    ap_page = bootmem_take_ap_page(&kernel_memory);
}

/*
 * The boot stack and the interrupt stacks, now in the kernel-stack area with guard pages. (The
 * early ones in .bss served only until memory was up.)
 */
static struct kstack boot_stack, ist_stacks[3];
static const char *const ist_names[3] = {"#DF", "NMI", "#MC"};

static void setup_stacks(void)
{
    int err = kstack_create(&boot_stack, "boot", 32 * KiB);
    for (unsigned i = 0; i < ARRAY_SIZE(ist_stacks) && err == K_OK; i++) {
        err = kstack_create(&ist_stacks[i], ist_names[i], 16 * KiB);
        if (err == K_OK)
            gdt_set_ist(i + 1, ist_stacks[i].top);
    }
    if (err != K_OK)
        stop("the kernel stacks could not be mapped", err);
}

/* The rest of the boot, on the boot stack in the kernel-stack area. */
__attribute__((noreturn)) static void kmain_on_stack(void)
{
    smp_shootdown_off = cmdline_has_word(boot_info.cmdline, "ktest.noshootdown");
    smp_init(ap_page);
    irq_init();
    smp_sched_init(&boot_stack);
    wallclock_init();
    struct vm_check vc;
    vm_check(kernel_pml4, boot_cpu.nx, &vc);
    vm_check_print(&vc);

    if (proc_init(boot_info.cmdline) != K_OK)
        stop("user processes cannot be set up", K_EINVAL);
    if (rootfs_init() != K_OK)
        stop("the root file system cannot be set up", K_ENOMEM);
    proc_run_modules();

    /* The initramfs's /init, as Linux runs it, unless the monitor is asked for (or ktest). */
    if (!cmdline_has_word(boot_info.cmdline, "ktest") &&
        !cmdline_has_word(boot_info.cmdline, "monitor")) {
        char init[128] = "/init";
        const char *v = cmdline_value(boot_info.cmdline, "rdinit");
        for (size_t n = 0; v && n < sizeof(init) - 1; n++) {
            init[n] = v[n] == ' ' ? '\0' : v[n];
            if (!init[n])
                break;
            init[n + 1] = '\0';
        }
        /* The shell's terminal writes every screen: the framebuffer's console too (the monitor
         * starts it as well, for boots that go straight there). */
        fbdev_start();
        proc_run_init(init);
    }

    ktest_crash_if_asked(boot_info.cmdline);
    if (cmdline_has_word(boot_info.cmdline, "ktest"))
        ktest_run_all();
    monitor_run();
}

/*
 * UEFI has no text screen, so without a direct-RGB framebuffer from the boot loader the screen
 * stays dark: say so, and how to get one, on every console there is (COM1), right at boot, before
 * anything else can go wrong unseen. GRUB sets no graphics mode when its menu loads no video
 * driver; its own "no suitable video mode found" scrolls away with the menu.
 */
static void say_if_no_screen(void)
{
    if (!boot_info.efi || (boot_info.has_framebuffer && boot_info.fb.type == MB2_FB_RGB))
        return;
    kprintf("console: no framebuffer: the boot loader set no graphics mode%s and UEFI has no text "
            "screen, so the screen stays dark; COM1 is the only console\n",
            boot_info.has_framebuffer ? " this kernel can draw on (not direct RGB)" : "");
    kprintf("console: to get one, load GRUB's video drivers before multiboot2 (insmod all_video) "
            "and ask for a mode after it (set gfxpayload=1024x768x32)\n");
}

void kmain(uint32_t magic, uint32_t mbi_phys)
{
    serial_init();
    gdt_init();
    idt_init();
    arch_mask_legacy_irqs();
    fault_init();
    arch_cpu_info(&boot_cpu);

    /* The information block lies below 4 GiB, inside the boot identity map. */
    int err = mb2_parse(phys_to_virt(mbi_phys), mbi_phys, &boot_info);
    /* The VGA text screen exists on BIOS boots where GRUB set no linear framebuffer mode. */
    bool text_screen = !boot_info.has_framebuffer || boot_info.fb.type == MB2_FB_EGA_TEXT;
    if (err == K_OK && !boot_info.efi && text_screen)
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
    say_if_no_screen();

    setup_memory();
    setup_stacks();
    arch_run_on_stack(boot_stack.top, kmain_on_stack);
}
