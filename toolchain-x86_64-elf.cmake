# SPDX-License-Identifier: 0BSD
# Cross build for a freestanding x86_64 ELF kernel: clang targeting x86_64-elf, linked by ld.lld.
# Nothing from the host's libc or headers is used.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER clang)
set(CMAKE_C_COMPILER_TARGET x86_64-elf)
set(CMAKE_ASM_NASM_COMPILER nasm)
set(CMAKE_LINKER ld.lld)
# A freestanding target cannot link a test program: check the compiler with a static library.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_C_FLAGS_INIT "-ffreestanding -nostdinc -nostdlib")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
