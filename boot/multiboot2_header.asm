; SPDX-License-Identifier: 0BSD
; The multiboot2 header GRUB looks for in the first 32 KiB of the image. We ask for nothing
; beyond the defaults: GRUB loads the ELF segments at their physical addresses and enters
; _start in 32-bit protected mode (on BIOS and on UEFI alike).
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
    align 8
    dw 0, 0                     ; end tag
    dd 8
header_end:
