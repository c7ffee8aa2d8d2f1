/* SPDX-License-Identifier: 0BSD */
/*
 * bootmem_map_source() through memmap_sanitize(): the map read from a parsed multiboot2 block
 * (type 6 or EFI), or none.
 */
#include "bootmem_test.h"

/*
 * The block's map through memmap_sanitize(), on a GRUB-like block: cmdline | mmap (QEMU, 6 entries)
 * | end. Expect the same list as memmap_add_entries() on the raw entries, and the source announced.
 */
static void test_sanitize_from_block(void **state)
{
    (void)state;
    blen = 8;
    blk_tag(MB2_TAG_CMDLINE, "debug", 6);
    blk_mmap(qemu, ARRAY_SIZE(qemu));
    blk_parse(0x300000);
    assert_int_equal(sanitize_block(40), K_OK);
    EXPECT(E(0, 0x9f000, F), E(0x9f000, 0xa0000, FW), E(0xf0000, 0x100000, FW),
           E(0x100000, 0x7fe0000, F), E(0x7fe0000, 0x8000000, FW), E(0xfffc0000, 0x100000000, FW));
    expect_said("memmap: 6 entries from the multiboot2 memory map, 40-bit physical addresses");
}

/*
 * The block's map through memmap_sanitize(), on a UEFI block with only an EFI map (descriptor_size
 * 48): BS code[0-4K) conventional[4K-640K) RT data[640K-644K) loader[1M-2M) ACPI NVS[2M-2M+16K)
 * Expect |free 0-640K|fw 640K-644K| |free 1M-2M|nvs 2M-2M+16K|.
 */
static void test_sanitize_efi_block(void **state)
{
    (void)state;
    const uint32_t t[] = {MB2_EFI_BS_CODE, MB2_EFI_CONVENTIONAL, MB2_EFI_RT_DATA,
                          MB2_EFI_LOADER_CODE, MB2_EFI_ACPI_NVS};
    const uint64_t base[] = {0, 4 * K, 640 * K, 1 * M, 2 * M}, pages[] = {1, 159, 1, 256, 4};
    uint8_t p[8 + 5 * 48] = {0};
    uint32_t hdr[2] = {48, 1};
    memcpy(p, hdr, 8);
    for (int i = 0; i < 5; i++) {
        memcpy(p + 8 + i * 48, &t[i], 4);
        memcpy(p + 8 + i * 48 + 8, &base[i], 8);
        memcpy(p + 8 + i * 48 + 24, &pages[i], 8);
    }
    blen = 8;
    blk_tag(MB2_TAG_EFI_MMAP, p, sizeof(p));
    blk_parse(0x300000);
    assert_int_equal(sanitize_block(48), K_OK);
    EXPECT(E(0, 640 * K, F), E(640 * K, 644 * K, FW), E(1 * M, 2 * M, F),
           E(2 * M, 2 * M + 16 * K, REGION_ACPI_NVS));
    expect_said("memmap: 5 entries from the EFI memory map");
}

/* memmap_sanitize() with no map (a zeroed mb2_info). Expect K_ENOENT and its message. */
static void test_sanitize_no_map(void **state)
{
    (void)state;
    memset(&mb, 0, sizeof(mb));
    assert_int_equal(sanitize_block(40), K_ENOENT);
    assert_int_equal(memmap_sanitize(&L, NULL, 40), K_ENOENT);
    expect_said("memmap: no memory map to sanitize");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, arena_teardown)
    const struct CMUnitTest tests[] = {
        T(test_sanitize_from_block),
        T(test_sanitize_efi_block),
        T(test_sanitize_no_map),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
