; SPDX-License-Identifier: 0BSD
; The vDSO's ELF image (src/vdso/, built by cmake/kernel.cmake into vdso.so), in whole pages of
; its own: src/exec/vdso.c maps these very pages into every process, so nothing else of the
; kernel may share them.
section .rodata.vdso progbits alloc noexec nowrite align=4096
global vdso_image, vdso_image_end
vdso_image:
    incbin "vdso.so"
    align 4096, db 0
vdso_image_end:
