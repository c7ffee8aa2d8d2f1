# SPDX-License-Identifier: 0BSD
# The kernel build (configured by the top-level CMakeLists.txt with the cross toolchain).
enable_language(ASM_NASM)
set(CMAKE_ASM_NASM_OBJECT_FORMAT elf64)
set(CMAKE_ASM_NASM_COMPILE_OBJECT "<CMAKE_ASM_NASM_COMPILER> <INCLUDES> <FLAGS> -f elf64 -g -F dwarf -o <OBJECT> <SOURCE>")

execute_process(COMMAND ${CMAKE_C_COMPILER} -print-resource-dir
                OUTPUT_VARIABLE CLANG_RESOURCE_DIR OUTPUT_STRIP_TRAILING_WHITESPACE)

file(GLOB_RECURSE KERNEL_C_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/*.c)
list(FILTER KERNEL_C_SOURCES EXCLUDE REGEX "/src/vdso/") # user code: the vDSO, below
file(GLOB KERNEL_ASM_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/boot/*.asm)
set(LINKER_SCRIPT ${CMAKE_SOURCE_DIR}/boot/linker.ld)

# include/frame64/layout.h is the only place the kernel's addresses are written; NASM and the
# linker script get them from files generated out of it whenever it changes.
set(LAYOUT_H ${CMAKE_SOURCE_DIR}/include/frame64/layout.h)
set(LAYOUT_DIR ${CMAKE_BINARY_DIR}/generated)
set(LAYOUT_FILES ${LAYOUT_DIR}/layout.inc ${LAYOUT_DIR}/layout.ld)
add_custom_command(
  OUTPUT ${LAYOUT_FILES}
  COMMAND ${CMAKE_COMMAND} -DLAYOUT_H=${LAYOUT_H} -DOUT_DIR=${LAYOUT_DIR}
          -P ${CMAKE_SOURCE_DIR}/cmake/gen_layout.cmake
  DEPENDS ${LAYOUT_H} ${CMAKE_SOURCE_DIR}/cmake/gen_layout.cmake
  COMMENT "Generating layout.inc and layout.ld from include/frame64/layout.h")
# Every .asm may %include layout.inc: each waits for it (NASM's depfile then tracks the rest).
set_source_files_properties(${KERNEL_ASM_SOURCES} PROPERTIES OBJECT_DEPENDS ${LAYOUT_DIR}/layout.inc)

# The vDSO (src/vdso/, docs/processes.md): user code, position-independent, no libc, linked into
# a shared object with no relocations at all, which boot/vdso_image.asm embeds (incbin from
# LAYOUT_DIR) and src/exec/vdso.c maps into every process.
set(VDSO_DIR ${CMAKE_SOURCE_DIR}/src/vdso)
set(VDSO_SO ${LAYOUT_DIR}/vdso.so)
add_custom_command(
  OUTPUT ${VDSO_SO}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${LAYOUT_DIR}
  COMMAND ${CMAKE_C_COMPILER} --target=x86_64-linux-gnu -O2 -fPIC -ffreestanding -nostdinc
          -isystem ${CLANG_RESOURCE_DIR}/include -I${CMAKE_SOURCE_DIR}/include
          -fno-stack-protector -fno-asynchronous-unwind-tables -Wall -Wextra -Werror
          -c ${VDSO_DIR}/vdso.c -o ${LAYOUT_DIR}/vdso.o
  COMMAND ld.lld -shared -soname linux-vdso.so.1 --hash-style=both
          --version-script ${VDSO_DIR}/vdso.ver -T ${VDSO_DIR}/vdso.lds -z max-page-size=4096
          --no-undefined --build-id=none -o ${VDSO_SO} ${LAYOUT_DIR}/vdso.o
  COMMAND sh -c "! llvm-readelf -r \"$1\" | grep -q 'Relocation section'" sh ${VDSO_SO}
  DEPENDS ${VDSO_DIR}/vdso.c ${VDSO_DIR}/vdso.ver ${VDSO_DIR}/vdso.lds
          ${CMAKE_SOURCE_DIR}/include/frame64/vclock.h ${CMAKE_SOURCE_DIR}/include/frame64/types.h
  COMMENT "Building the vDSO"
  VERBATIM)
set_source_files_properties(${CMAKE_SOURCE_DIR}/boot/vdso_image.asm PROPERTIES OBJECT_DEPENDS
                            "${LAYOUT_DIR}/layout.inc;${VDSO_SO}")

add_executable(frame64.elf ${KERNEL_ASM_SOURCES} ${KERNEL_C_SOURCES} ${LAYOUT_FILES})
target_include_directories(frame64.elf PRIVATE
  ${CMAKE_SOURCE_DIR}/include
  ${CMAKE_SOURCE_DIR}/src/arch/x86_64/include
  $<$<COMPILE_LANGUAGE:ASM_NASM>:${LAYOUT_DIR}>)
# Flags the kernel needs to be correct (not a matter of taste): no libc, no red zone (interrupts
# would clobber it), no SSE/MMX/x87 state in kernel code, the -2 GiB code model, no PIE.
set(KERNEL_REQUIRED_FLAGS
  -ffreestanding -nostdinc -isystem ${CLANG_RESOURCE_DIR}/include
  -mno-red-zone -mno-mmx -mno-sse -mno-sse2 -mno-80387 -msoft-float
  -mcmodel=kernel -fno-pic -fno-pie -fno-stack-protector -fno-omit-frame-pointer
  -fno-asynchronous-unwind-tables -fno-exceptions
  -ffile-prefix-map=${CMAKE_SOURCE_DIR}/=)  # panic messages name src/..., not the build machine
target_compile_options(frame64.elf PRIVATE
  $<$<COMPILE_LANGUAGE:C>:${KERNEL_REQUIRED_FLAGS} -O2 -g -Wall -Wextra -Werror -Wthread-safety>)
if(CMAKE_BUILD_TYPE STREQUAL "Debug")
  target_compile_definitions(frame64.elf PRIVATE $<$<COMPILE_LANGUAGE:C>:FRAME64_DEBUG=1>
                                                   $<$<COMPILE_LANGUAGE:C>:FRAME64_LOCK_DEBUG=1>)
endif()
# Link with ld.lld directly: nothing from the host's toolchain may sneak in.
set(CMAKE_C_LINK_EXECUTABLE "ld.lld <LINK_FLAGS> <OBJECTS> -o <TARGET> <LINK_LIBRARIES>")
set_target_properties(frame64.elf PROPERTIES
  LINK_FLAGS "-T ${LINKER_SCRIPT} -L ${LAYOUT_DIR} -nostdlib -static --no-pie -z max-page-size=0x1000 --build-id=none"
  LINK_DEPENDS "${LINKER_SCRIPT};${LAYOUT_DIR}/layout.ld"
  RUNTIME_OUTPUT_DIRECTORY ${FRAME64_OUT})

# The initramfs: Debian's busybox-static and initramfs/ (scripts/mkinitramfs.sh); the image
# carries it, so the first menu entry boots to a shell.
file(GLOB_RECURSE FRAME64_INITRAMFS_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/initramfs/*)
add_custom_command(
  OUTPUT ${FRAME64_OUT}/initramfs.cpio
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/mkinitramfs.sh ${FRAME64_OUT}/initramfs.cpio
  DEPENDS ${CMAKE_SOURCE_DIR}/scripts/mkinitramfs.sh ${FRAME64_INITRAMFS_FILES}
  COMMENT "Building the initramfs (busybox) initramfs.cpio")
add_custom_command(
  OUTPUT ${FRAME64_OUT}/frame64.iso
  COMMAND grub-file --is-x86-multiboot2 ${FRAME64_OUT}/frame64.elf
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/mkiso.sh ${FRAME64_OUT}/frame64.elf ${FRAME64_OUT}/frame64.iso
          --module ${FRAME64_OUT}/initramfs.cpio initramfs
  DEPENDS frame64.elf ${CMAKE_SOURCE_DIR}/iso/grub.cfg ${CMAKE_SOURCE_DIR}/scripts/mkiso.sh
          ${FRAME64_OUT}/initramfs.cpio
  COMMENT "Building the hybrid BIOS/UEFI image frame64.iso")
add_custom_target(iso ALL DEPENDS ${FRAME64_OUT}/frame64.iso)

# The console font (struct font font_default), generated by the host build with tools/psf2c.
if(NOT FRAME64_FONT_C)
  message(FATAL_ERROR "FRAME64_FONT_C is not set: configure the top-level project, which generates "
                      "the console font and passes its path to the kernel build")
endif()
target_sources(frame64.elf PRIVATE ${FRAME64_FONT_C})

# The programs the process ktests run (tests/programs, embedded by cmake/bin2c.cmake).
if(NOT FRAME64_EMBEDDED_C)
  message(FATAL_ERROR "FRAME64_EMBEDDED_C is not set: configure the top-level project, which builds "
                      "the test programs and passes their C form to the kernel build")
endif()
target_sources(frame64.elf PRIVATE ${FRAME64_EMBEDDED_C})
