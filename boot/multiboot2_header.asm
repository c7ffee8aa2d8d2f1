; SPDX-License-Identifier: 0BSD
; The multiboot2 header GRUB looks for in the first 32 KiB of the image. GRUB loads the ELF
; segments at their physical addresses and enters _start in 32-bit protected mode (on BIOS and on
; UEFI alike). We ask for a framebuffer: under UEFI there is no text mode, and without this tag
; GRUB says "no suitable video mode found" and the kernel has no screen. iso/grub.cfg's gfxpayload
; keeps BIOS boots in VGA text mode all the same (GRUB then reports EGA text).
section .multiboot2 align=8
MB2_MAGIC equ 0xE85250D6
MB2_ARCH_I386 equ 0
header_start:
    dd MB2_MAGIC
    dd MB2_ARCH_I386
    dd header_end - header_start
    dd -(MB2_MAGIC + MB2_ARCH_I386 + (header_end - header_start))
    ; Information request (type 1, optional): the tags frame64 reads.
    align 8
.request:
    dw 1, 1                     ; type 1, flags 1 = optional
    dd .request_end - .request
    dd 1, 3, 6, 8, 14, 15       ; cmdline, modules, memory map, framebuffer, ACPI old/new RSDP
.request_end:
    ; Console flags (type 4, optional): EGA text is fine too (bit 1), as under BIOS.
    align 8
    dw 4, 1
    dd 12
    dd 2
    ; Framebuffer (type 5, optional): the preferred mode; 0 would mean "no preference". GRUB
    ; picks the closest mode the firmware has, and gfxpayload in grub.cfg overrides it.
    align 8
    dw 5, 1
    dd 20
    dd 1024, 768, 32            ; width, height, depth
    align 8
    dw 0, 0                     ; end tag
    dd 8
header_end:
