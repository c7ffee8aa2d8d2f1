; SPDX-License-Identifier: 0BSD
; The multiboot2 header GRUB looks for in the first 32 KiB of the image. GRUB loads the ELF
; segments at their physical addresses and enters _start in 32-bit protected mode (on BIOS and on
; UEFI alike).
;
; No framebuffer tag (type 5), on purpose. With one, GRUB 2.06 sets a graphics mode on BIOS
; machines too unless the menu says gfxpayload=text after the multiboot2 command, and on some VBE
; BIOSes that mode switch wrecks GRUB itself: under Bochs 2.7's VGA BIOS the only mode GRUB takes
; is 640x480x8 (indexed, useless to this kernel), and after setting it GRUB finds its heap broken
; ("free magic is broken"), calls through a zeroed function pointer and triple-faults, before it
; jumps to _start (issue 16). Without the tag GRUB keeps VGA text wherever it exists (BIOS),
; whatever the menu's gfxpayload says, and where there is no text mode (UEFI) it still sets a
; graphics mode and passes the framebuffer tag: gfxpayload if the menu sets it (iso/grub.cfg asks
; for 1024x768x32 there), else its "auto". GRUB then also prints "WARNING: no console will be
; available to OS" under UEFI, which is wrong and harmless. The price: BIOS boots never get a
; VBE framebuffer.
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
    ; Console flags (type 4, optional): EGA text is what the kernel expects under BIOS (bit 1).
    align 8
    dw 4, 1
    dd 12
    dd 2
    align 8
    dw 0, 0                     ; end tag
    dd 8
header_end:
