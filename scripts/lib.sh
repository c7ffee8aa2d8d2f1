# SPDX-License-Identifier: 0BSD
# Shared by scripts/run.sh, scripts/test.sh and the boot tests: dependencies and QEMU choices.

FRAME64_DEB_PACKAGES="nasm xorriso mtools grub-pc-bin grub-efi-amd64-bin grub-common qemu-system-x86 ovmf bochs bochsbios vgabios libcmocka-dev cmake make clang lld llvm libclang-rt-14-dev cppcheck clang-format console-setup-linux musl-tools gcc libc6-dev gdb busybox-static cpio linux-image-amd64"

# Installs whatever of FRAME64_DEB_PACKAGES is missing (apt; root or sudo).
frame64_install_deps() {
    local missing=() p
    for p in $FRAME64_DEB_PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "Installing: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# Prints "kvm" when KVM can run our guests, else "tcg". FRAME64_ACCEL=tcg|kvm overrides.
# Usable means /dev/kvm opens and is not the paravirtual PVM flavour (module kvm_pvm), which
# cannot run unmodified guests: seen there, OVMF dies with "KVM internal error" on an x87
# instruction and a guest's int3 cannot be delivered.
frame64_accel() {
    if [ -n "${FRAME64_ACCEL:-}" ]; then
        echo "$FRAME64_ACCEL"
    elif [ -r /dev/kvm ] && [ -w /dev/kvm ] && [ ! -d /sys/module/kvm_pvm ]; then
        echo kvm
    else
        echo tcg
    fi
}

# OVMF firmware images (Debian's ovmf package); the variable store is copied per run.
FRAME64_OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
FRAME64_OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd

# Configures build dir (default build/) and builds only what booting needs: the kernel and its
# ISO (the target kernel: the font and the test programs it carries, not the host test suite).
# Says what it does, and the build shows its progress. kernel_type: Debug (default) or Release.
frame64_build_kernel() {
    local top=$1 dir=${2:-$1/build} kernel_type=${3:-Debug}
    if [ ! -f "$dir/CMakeCache.txt" ]; then
        echo "run.sh: configuring $dir (once)"
    fi
    CC=clang cmake -S "$top" -B "$dir" -DFRAME64_KERNEL_BUILD_TYPE="$kernel_type" >/dev/null
    echo "run.sh: building the $kernel_type kernel and its ISO in $dir (the first time some"
    echo "        minutes on a small machine; the test suite is not built, scripts/test.sh does)"
    cmake --build "$dir" --target kernel -j"$(nproc)"
}

# Configures and builds everything into build/ (host tests and the kernel image).
frame64_build() {
    local top=$1 type=${2:-Debug}
    CC=clang cmake -S "$top" -B "$top/build" -DCMAKE_BUILD_TYPE="$type" >/dev/null
    cmake --build "$top/build" -j"$(nproc)"
}
