/* kmain: where the boot trampoline (boot/entry.asm) hands over, in long mode, in the higher half. */
#include <frame64/arch.h>
#include <frame64/console.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/ktest.h>
#include <frame64/phys.h>

/* TEMPORARY until the multiboot2 parser lands: find the command line and whether EFI booted us. */
static const char *early_cmdline(uint32_t mbi_phys, bool *efi)
{
    const uint8_t *p = phys_to_virt(mbi_phys);
    uint32_t total = *(const uint32_t *)p;
    const char *cmdline = "";
    *efi = false;
    for (uint32_t off = 8; off + 8 <= total;) {
        uint32_t type = *(const uint32_t *)(p + off), size = *(const uint32_t *)(p + off + 4);
        if (type == 0 || size < 8)
            break;
        if (type == 1)
            cmdline = (const char *)(p + off + 8);
        if (type == 11 || type == 12)
            *efi = true;
        off += (size + 7) & ~7u;
    }
    return cmdline;
}

static bool has_word(const char *s, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = s; *p; p++)
        if ((p == s || p[-1] == ' ') && strncmp(p, word, n) == 0 && (p[n] == ' ' || !p[n]))
            return true;
    return false;
}

void kmain(uint32_t magic, uint32_t mbi_phys)
{
    serial_init();
    gdt_init();
    idt_init();
    bool efi;
    const char *cmdline = early_cmdline(mbi_phys, &efi);
    if (!efi)
        vga_init();
    kprintf("frame64: long mode, multiboot2 magic 0x%x, boot information at 0x%x (%s)\n", magic,
            mbi_phys, efi ? "UEFI" : "BIOS");
    kprintf("frame64: command line \"%s\"\n", cmdline);
    if (has_word(cmdline, "ktest"))
        ktest_run_all();
    kprintf("frame64: nothing more to do; halting.\n");
    arch_halt();
}
